using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Tenants;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Sequences;
using Sequences.Tests.Web;
using Sequences.Web.Components.Pages.Sequences.Preview;

namespace Sequences.Tests.Preview;

/// <summary>The preview dialog over the real services: an unsaved document, a real lead picked by search, sample values,
/// the timeline in the lead's zone, and a test send (pickup transport here).</summary>
public sealed class SequencePreviewDialogTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly Guid Hello = Guid.NewGuid();
    private static readonly Guid Nudge = Guid.NewGuid();

    private PageTestContext _context = default!;
    private DashboardSeed _seed = default!;
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    public async Task InitializeAsync()
    {
        _context = await PageTestContext.CreateAsync();
        _seed = new DashboardSeed(_context);
        _context.Bunit.Render<MudPopoverProvider>();
        _dialogs = _context.Bunit.Render<MudDialogProvider>();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    // Open around the clock, so the timeline is the delays alone.
    private static SequenceInput Document() => new()
    {
        Name = "Unsaved draft",
        Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
        Steps =
        [
            new StepInput { Id = Hello, StepType = StepType.Email, Name = "Hello", SubjectLine = "Hello {{ lead.first_name }}", BodyHtml = "<p>Hi {{ lead.first_name }}</p><script>alert(1)</script>" },
            new StepInput { Id = Guid.NewGuid(), StepType = StepType.Delay, DelayDays = 2 },
            new StepInput { Id = Nudge, StepType = StepType.Email, Name = "Nudge", SubjectLine = "Still there, {{ lead.first_name }}?", BodyHtml = "<p>Nudge</p>" },
        ],
    };

    private async Task OpenAsync()
    {
        var service = _context.Bunit.Services.GetRequiredService<IDialogService>();
        await _dialogs.InvokeAsync(() => SequencePreviewDialog.ShowAsync(service, Document(), null));
        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=preview-email]").Should().HaveCount(2), Wait);
    }

    [Fact]
    public async Task Shows_each_email_for_the_picked_lead_and_the_timeline_in_the_leads_zone()
    {
        await _seed.LeadAsync(_context.TenantA, "ada@example.com", timezone: "Asia/Tokyo");
        var grace = await _seed.LeadAsync(_context.TenantA, "grace@example.com", timezone: "Europe/Paris");
        await _seed.WithDbAsync(_context.TenantA, db => db.Leads.Where(l => l.Id == grace.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.CreatedAt, l => l.CreatedAt.AddHours(1)))); // newer: listed first without a search
        await _seed.LeadAsync(_context.TenantB, "ada@other.example", timezone: "Europe/Paris");
        await OpenAsync();

        // Before a lead is picked: the sample lead.
        _dialogs.FindAll("[data-testid=preview-subject]").Select(s => s.TextContent).Should().Equal("Hello Jane", "Still there, Jane?");

        await _dialogs.Find("input[data-testid=preview-lead]").InputAsync(new ChangeEventArgs { Value = "ada" });
        // The search is debounced on MudBlazor's TimeProvider, which is the test's fake clock.
        _context.Clock.Advance(TimeSpan.FromSeconds(1));

        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=preview-subject]").Select(s => s.TextContent)
            .Should().Equal("Hello ada", "Still there, ada?"), Wait);
        _dialogs.FindAll("[data-testid=preview-lead-option]").Should().ContainSingle("the other tenant's lead is not offered");
        var frame = _dialogs.FindAll("[data-testid=preview-frame]")[0];
        frame.HasAttribute("sandbox").Should().BeTrue();
        frame.GetAttribute("srcdoc").Should().Contain("Hi ada").And.NotContain("<script");

        // The clock is Monday 2030-01-07 09:00 UTC: 18:00 in Tokyo, and the nudge two days later.
        _dialogs.Find("[data-testid=timeline] thead").TextContent.Should().Contain("Asia/Tokyo");
        var sends = _dialogs.FindAll("[data-testid=timeline-entry][data-action=email_sent]");
        sends.Select(r => r.QuerySelector("[data-testid=timeline-local]")!.TextContent).Should().Equal("Mon 2030-01-07 18:00", "Wed 2030-01-09 18:00");
        sends[0].TextContent.Should().Contain("2030-01-07 09:00 UTC");

        // A search that finds nobody goes back to the sample values, as it says.
        await _dialogs.Find("input[data-testid=preview-lead]").InputAsync(new ChangeEventArgs { Value = "nobody-here" });
        _context.Clock.Advance(TimeSpan.FromSeconds(1));
        _dialogs.WaitForAssertion(() => _dialogs.Markup.Should().Contain("No lead matches; the sample values are used."), Wait);
        _dialogs.WaitForAssertion(() => _dialogs.Find("[data-testid=preview-recipient]").TextContent.Should().Contain("(sample)"), Wait);
        _dialogs.FindAll("[data-testid=preview-subject]").Select(s => s.TextContent).Should().Equal("Hello Jane", "Still there, Jane?");
    }

    [Fact]
    public async Task Typed_sample_values_render_and_a_bad_time_zone_is_a_message()
    {
        await OpenAsync();

        await _dialogs.Find("input[data-testid=preview-sample-first-name]").ChangeAsync(new ChangeEventArgs { Value = "Grace" });

        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=preview-subject]")[0].TextContent.Should().Be("Hello Grace"), Wait);
        _dialogs.Find("[data-testid=preview-recipient]").TextContent.Should().Contain("Grace").And.Contain("(sample)");
        _dialogs.FindAll("[data-testid=timeline-entry][data-action=email_sent]").Should().HaveCount(2);

        await _dialogs.Find("input[data-testid=preview-sample-timezone]").ChangeAsync(new ChangeEventArgs { Value = "Moon/Base" });
        _dialogs.WaitForAssertion(() => _dialogs.Find("[data-testid=preview-error]").TextContent.Should().Contain("Moon/Base"), Wait);
    }

    [Fact]
    public async Task A_what_if_engagement_changes_the_timeline()
    {
        var hello = Guid.NewGuid();
        var document = new SequenceInput
        {
            Name = "Branching draft",
            Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
            Steps =
            [
                new StepInput { Id = hello, StepType = StepType.Email, SubjectLine = "Hello", BodyHtml = "<p>Hi</p>" },
                new StepInput
                {
                    Id = Guid.NewGuid(), StepType = StepType.Condition, ConditionType = ConditionType.IfOpened, DelayDays = 1,
                    ConditionValue = new ConditionValue { OnFalse = "stop" },
                },
                new StepInput { Id = Guid.NewGuid(), StepType = StepType.Email, SubjectLine = "Glad you looked", BodyHtml = "<p>More</p>" },
            ],
        };
        var service = _context.Bunit.Services.GetRequiredService<IDialogService>();
        await _dialogs.InvokeAsync(() => SequencePreviewDialog.ShowAsync(service, document, null));
        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=timeline-entry]").Should().NotBeEmpty(), Wait);
        _dialogs.FindAll("[data-testid=timeline-entry][data-action=email_sent]").Should().ContainSingle("nobody opened the first email");

        // The new row is "opens the first email an hour later".
        _dialogs.Find("button[data-testid=whatif-add]").Click();

        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=timeline-entry][data-action=email_sent]").Should().HaveCount(2), Wait);
        _dialogs.FindAll("[data-testid=whatif-row]").Should().ContainSingle();
    }

    [Fact]
    public async Task The_test_send_starts_addressed_to_the_person_testing()
    {
        var user = new AppUser { UserName = "tester@acme.test", Email = "tester@acme.test", TenantId = _context.TenantA };
        (await _context.Bunit.Services.GetRequiredService<UserManager<AppUser>>().CreateAsync(user)).Succeeded.Should().BeTrue();
        _context.Bunit.Services.GetRequiredService<TenantContext>().Set(_context.TenantA, user.Id);

        await OpenAsync();

        _dialogs.WaitForAssertion(() => _dialogs.Find("input[data-testid=test-send-address]").GetAttribute("value").Should().Be("tester@acme.test"), Wait);
    }

    [Fact]
    public async Task A_test_send_goes_through_the_mail_transport()
    {
        await OpenAsync();

        await _dialogs.Find("input[data-testid=test-send-address]").InputAsync(new ChangeEventArgs { Value = "qa@example.com" });
        _dialogs.WaitForAssertion(() => _dialogs.Find("button[data-testid=test-send]").HasAttribute("disabled").Should().BeFalse(), Wait);
        _dialogs.Find("button[data-testid=test-send]").Click();

        _dialogs.WaitForAssertion(() => _dialogs.Find("[data-testid=test-send-result]").GetAttribute("data-sent").Should().Be("true"), Wait);
        var file = Directory.GetFiles(_context.PickupDirectory, "*.eml").Should().ContainSingle().Subject;
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        message.Subject.Should().Be("[Test] Hello Jane");
        message.To.Mailboxes.Single().Address.Should().Be("qa@example.com");
    }
}
