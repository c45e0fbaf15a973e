namespace Sequences.Infrastructure.Templates;

/// <summary>The templates shipped with the product: read-only, the same for every tenant, with fixed ids so a
/// step or an API client can point at them. Copy one to make it your own.</summary>
public static class TemplateLibrary
{
    public const string Category = "library";

    public static IReadOnlyList<TemplateView> All { get; } =
    [
        Make("5e9f0d1a-0001-4000-8000-000000000001", "Cold outreach",
            "Quick question, {{ lead.first_name }}",
            "<p>Hi {{ lead.first_name }},</p><p>I noticed {{ lead.company }} is growing its team. We help companies like yours follow up with every lead on time, without the spreadsheet.</p><p>Would a 15-minute call next week be worth it?</p><p>{{ user.name }}</p>",
            "Hi {{ lead.first_name }},\n\nI noticed {{ lead.company }} is growing its team. We help companies like yours follow up with every lead on time, without the spreadsheet.\n\nWould a 15-minute call next week be worth it?\n\n{{ user.name }}"),
        Make("5e9f0d1a-0002-4000-8000-000000000002", "Follow-up",
            "Re: Quick question, {{ lead.first_name }}",
            "<p>Hi {{ lead.first_name }},</p><p>Just bumping this to the top of your inbox. Is following up with leads something {{ lead.company }} is looking at this quarter?</p><p>{{ user.name }}</p>",
            "Hi {{ lead.first_name }},\n\nJust bumping this to the top of your inbox. Is following up with leads something {{ lead.company }} is looking at this quarter?\n\n{{ user.name }}"),
        Make("5e9f0d1a-0003-4000-8000-000000000003", "Break-up",
            "Closing the loop, {{ lead.first_name }}",
            "<p>Hi {{ lead.first_name }},</p><p>I haven't heard back, so I'll assume the timing isn't right and stop here. If that changes, just reply to this email.</p><p>All the best,<br>{{ user.name }}</p>",
            "Hi {{ lead.first_name }},\n\nI haven't heard back, so I'll assume the timing isn't right and stop here. If that changes, just reply to this email.\n\nAll the best,\n{{ user.name }}"),
        Make("5e9f0d1a-0004-4000-8000-000000000004", "Re-engagement",
            "Still interested, {{ lead.first_name }}?",
            "<p>Hi {{ lead.first_name }},</p><p>It's been a while since we last spoke. A lot has changed on our side; here is what's new for teams like {{ lead.company }}.</p><p>Want me to send a two-minute summary?</p><p>{{ user.name }}</p>",
            "Hi {{ lead.first_name }},\n\nIt's been a while since we last spoke. A lot has changed on our side; here is what's new for teams like {{ lead.company }}.\n\nWant me to send a two-minute summary?\n\n{{ user.name }}"),
        Make("5e9f0d1a-0005-4000-8000-000000000005", "Meeting request",
            "15 minutes next week, {{ lead.first_name }}?",
            "<p>Hi {{ lead.first_name }},</p><p>As {{ lead.title }} at {{ lead.company }}, you probably see this problem every week. Could we find 15 minutes to compare notes?</p><p>Tuesday or Thursday afternoon both work for me.</p><p>{{ user.name }}</p>",
            "Hi {{ lead.first_name }},\n\nAs {{ lead.title }} at {{ lead.company }}, you probably see this problem every week. Could we find 15 minutes to compare notes?\n\nTuesday or Thursday afternoon both work for me.\n\n{{ user.name }}"),
    ];

    public static TemplateView? Find(Guid id) => All.FirstOrDefault(t => t.Id == id);

    private static TemplateView Make(string id, string name, string subject, string html, string text) =>
        new(Guid.Parse(id), name, Category, subject, html, text, BuiltIn: true, UpdatedAt: null);
}
