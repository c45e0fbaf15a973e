namespace Sequences.Bench;

/// <summary>The one email every scenario sends: a typical cold-outreach step with variables, links and an unsubscribe link.</summary>
public static class BenchContent
{
    public const string Subject = "Quick question about {{ lead.company }}, {{ lead.first_name }}";

    public const string BodyHtml = """
        <p>Hi {{ lead.first_name }},</p>
        <p>I noticed {{ lead.company }} is growing its engine team. We help teams like yours ship
        <strong>twice as many</strong> analytical engines with half the punch cards.</p>
        <p>Would a 15-minute call next week make sense? Here is <a href="https://example.com/case-study">a short case study</a>
        and <a href="https://example.com/pricing?plan={{ custom.plan }}">our pricing</a>.</p>
        <p>Best,<br>{{ user.name | default: "Charles" }}</p>
        <p style="font-size:11px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
        """;
}
