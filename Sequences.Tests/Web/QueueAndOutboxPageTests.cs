using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Web.Components.Pages.Outbox;
using Sequences.Web.Components.Pages.Queue;

namespace Sequences.Tests.Web;

public sealed class QueueAndOutboxPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private PageTestContext _context = default!;
    private DashboardSeed _seed = default!;
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    public async Task InitializeAsync()
    {
        _context = await PageTestContext.CreateAsync();
        _seed = new DashboardSeed(_context);
        // The pages' dialogs (confirmations) render into the provider.
        _dialogs = _context.Bunit.Render<MudDialogProvider>();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Mark_sent_counts_the_message_as_sent_and_moves_the_enrollment_on()
    {
        var (sequence, leadId, message) = await UnknownOutcomeAsync();

        await UnknownsAsync(s => s.MarkSentAsync(message.Id));

        var stored = await _seed.QueryAsync(_context.TenantA, db => db.OutboundMessages.SingleAsync(m => m.Id == message.Id));
        stored.Status.Should().Be(OutboundStatus.Sent);
        stored.SentAt.Should().NotBeNull();
        var state = await _seed.QueryAsync(_context.TenantA, db => db.LeadSequenceStates.SingleAsync(s => s.LeadId == leadId));
        state.EmailsSent.Should().Be(1);
        state.CurrentStepOrder.Should().Be(2);
        // The nudge waits two days from the decision.
        state.NextActionAt.Should().BeCloseTo(_context.Clock.GetUtcNow().UtcDateTime.AddDays(2), TimeSpan.FromMinutes(1));
        var log = await _seed.QueryAsync(_context.TenantA, db => db.ExecutionLog.Where(l => l.LeadId == leadId).Select(l => l.ActionType).ToListAsync());
        log.Should().Contain("unknown_outcome_marked_sent");
        (await _seed.QueryAsync(_context.TenantA, db => db.EngagementEvents.CountAsync(e => e.MessageId == message.Id && e.Type == EngagementType.Sent)))
            .Should().Be(1);
    }

    [Fact]
    public async Task Send_again_queues_the_message_keeping_attempts_and_makes_the_enrollment_due_now()
    {
        var (_, leadId, message) = await UnknownOutcomeAsync();

        await UnknownsAsync(s => s.SendAgainAsync(message.Id));

        var stored = await _seed.QueryAsync(_context.TenantA, db => db.OutboundMessages.SingleAsync(m => m.Id == message.Id));
        stored.Status.Should().Be(OutboundStatus.Queued);
        stored.Attempts.Should().Be(1);
        var state = await _seed.QueryAsync(_context.TenantA, db => db.LeadSequenceStates.SingleAsync(s => s.LeadId == leadId));
        state.NextActionAt.Should().Be(_context.Clock.GetUtcNow().UtcDateTime);
        state.CurrentStepOrder.Should().Be(1);
        (await _seed.QueryAsync(_context.TenantA, db => db.ExecutionLog.AnyAsync(l => l.LeadId == leadId && l.ActionType == "unknown_outcome_send_again")))
            .Should().BeTrue();
    }

    [Fact]
    public async Task A_decision_on_a_message_that_is_not_unknown_is_refused()
    {
        var sequence = await _seed.SequenceAsync(_context.TenantA);
        var lead = await _seed.LeadAsync(_context.TenantA, "sent@example.com");
        await _seed.EnrollAsync(_context.TenantA, lead.Id, sequence.Id);
        var sent = await _seed.MessageAsync(_context.TenantA, lead.Id, sequence, sequence.Steps[0], OutboundStatus.Sent);

        var act = () => UnknownsAsync(s => s.SendAgainAsync(sent.Id));

        await act.Should().ThrowAsync<ConflictException>();
    }

    [Fact]
    public async Task Queue_page_shows_health_unknown_outcomes_and_failures_and_decides_with_a_confirmation()
    {
        var (_, _, message) = await UnknownOutcomeAsync();
        var sequence = await _seed.SequenceAsync(_context.TenantA, "Other");
        var failing = await _seed.LeadAsync(_context.TenantA, "fail@example.com");
        await _seed.EnrollAsync(_context.TenantA, failing.Id, sequence.Id);
        await _seed.MessageAsync(_context.TenantA, failing.Id, sequence, sequence.Steps[0], OutboundStatus.Failed, error: "550 mailbox unavailable");

        var page = _context.Bunit.Render<QueuePage>();

        page.WaitForAssertion(() => page.Find("[data-testid=queue-unknown]").GetAttribute("data-value").Should().Be("1"), Wait);
        page.Find("[data-testid=queue-failure-row]").TextContent.Should().Contain("550 mailbox unavailable");
        var row = page.Find($"[data-testid=queue-unknown-row][data-message-id='{message.Id}']");
        row.TextContent.Should().Contain("unknown@example.com").And.Contain("connection dropped after DATA");

        row.QuerySelector("[data-testid=queue-mark-sent]")!.Click();
        var dialogs = _dialogs;
        dialogs.WaitForAssertion(() => dialogs.Find(".mud-message-box").TextContent.Should().Contain("unknown@example.com"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim().Equals("Mark sent", StringComparison.OrdinalIgnoreCase)).Click();

        page.WaitForAssertion(() => page.Find("[data-testid=queue-unknowns-empty]"), Wait);
        (await _seed.QueryAsync(_context.TenantA, db => db.OutboundMessages.SingleAsync(m => m.Id == message.Id))).Status.Should().Be(OutboundStatus.Sent);
    }

    [Fact]
    public async Task Run_now_runs_a_pass_for_this_tenant_and_shows_what_it_did()
    {
        var sequence = await _seed.SequenceAsync(_context.TenantA);
        await _context.AsTenantAsync(_context.TenantA, services => services.GetRequiredService<SequenceLifecycle>().StartAsync(sequence.Id));
        for (var i = 0; i < 3; i++)
        {
            var lead = await _seed.LeadAsync(_context.TenantA, $"due{i}@example.com");
            await _seed.EnrollAsync(_context.TenantA, lead.Id, sequence.Id);
        }
        var theirs = await _seed.SequenceAsync(_context.TenantB, "Theirs");
        await _context.AsTenantAsync(_context.TenantB, services => services.GetRequiredService<SequenceLifecycle>().StartAsync(theirs.Id));
        var other = await _seed.LeadAsync(_context.TenantB, "other@example.com");
        await _seed.EnrollAsync(_context.TenantB, other.Id, theirs.Id);

        var page = _context.Bunit.Render<QueuePage>();
        page.WaitForAssertion(() => page.Find("[data-testid=queue-due]").GetAttribute("data-value").Should().Be("3"), Wait);

        page.Find("[data-testid=queue-run-now]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=queue-run-result]").GetAttribute("data-sent").Should().Be("3"), TimeSpan.FromSeconds(30));
        page.Find("[data-testid=queue-due]").GetAttribute("data-value").Should().Be("0");
        page.Find("[data-testid=queue-last-pass-text]").TextContent.Should().Contain("3 sent");
        Directory.GetFiles(_context.PickupDirectory, "*.eml").Should().HaveCount(3, "the other tenant's lead is not in this pass");
    }

    [Fact]
    public async Task Outbox_lists_messages_searches_by_lead_and_shows_one_message()
    {
        var sequence = await _seed.SequenceAsync(_context.TenantA);
        var ada = await _seed.LeadAsync(_context.TenantA, "ada@example.com");
        var bob = await _seed.LeadAsync(_context.TenantA, "bob@example.com");
        await _seed.EnrollAsync(_context.TenantA, ada.Id, sequence.Id);
        await _seed.EnrollAsync(_context.TenantA, bob.Id, sequence.Id);
        await _seed.MessageAsync(_context.TenantA, ada.Id, sequence, sequence.Steps[0], OutboundStatus.Sent);
        var failed = await _seed.MessageAsync(_context.TenantA, bob.Id, sequence, sequence.Steps[0], OutboundStatus.Failed, error: "550 no such user");
        var theirs = await _seed.SequenceAsync(_context.TenantB, "Theirs");
        var other = await _seed.LeadAsync(_context.TenantB, "other@example.com");
        await _seed.EnrollAsync(_context.TenantB, other.Id, theirs.Id);
        await _seed.MessageAsync(_context.TenantB, other.Id, theirs, theirs.Steps[0], OutboundStatus.Sent);

        var page = _context.Bunit.Render<OutboxPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=outbox-row]").Should().HaveCount(2), Wait);
        page.FindAll("[data-testid=outbox-row]").Select(r => r.GetAttribute("data-status")).Should().BeEquivalentTo("sent", "failed");
        page.Markup.Should().NotContain("other@example.com");

        await page.Find("input[data-testid=outbox-search]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "bob" });
        _context.Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => page.FindAll("[data-testid=outbox-row]").Should().ContainSingle()
            .Which.GetAttribute("data-message-id").Should().Be(failed.Id.ToString()), Wait);

        page.Find("[data-testid=outbox-view]").Click();
        var dialogs = _dialogs;
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=outbox-detail-error]").TextContent.Should().Be("550 no such user"), Wait);
        dialogs.Find("[data-testid=outbox-detail-subject]").TextContent.Should().Contain("bob@example.com");
        dialogs.Find("[data-testid=outbox-detail-message-id]").TextContent.Should().Be(failed.MessageId);
    }

    [Fact]
    public async Task Looking_at_a_sent_email_in_the_outbox_is_neither_an_open_nor_a_click()
    {
        Sequence sequence = null!;
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            var created = await services.GetRequiredService<Sequences.Infrastructure.Sequences.SequenceService>().CreateAsync(new SequenceInput
            {
                Name = "Tracked",
                Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
                Steps = [new StepInput { StepType = StepType.Email, SubjectLine = "Look", BodyHtml = "<p>See <a href=\"https://example.com/offer\">the offer</a></p>" }],
            });
            sequence = await services.GetRequiredService<SequenceLifecycle>().StartAsync(created.Id);
        });
        var lead = await _seed.LeadAsync(_context.TenantA, "looked@example.com");
        await _seed.EnrollAsync(_context.TenantA, lead.Id, sequence.Id);
        await _context.AsTenantAsync(_context.TenantA, services => services.GetRequiredService<QueuePass>().RunAsync(_context.TenantA));
        var sent = MimeKit.MimeMessage.Load(Directory.GetFiles(_context.PickupDirectory, "*.eml").Single()).HtmlBody;
        sent.Should().Contain("/t/o/").And.Contain("/t/c/", "the lead's copy is tracked");

        var page = _context.Bunit.Render<OutboxPage>();
        page.WaitForElement("[data-testid=outbox-view]", Wait).Click();

        var frame = _dialogs.WaitForElement("iframe.outbox-frame", Wait).GetAttribute("srcdoc")!;
        frame.Should().Contain("the offer").And.NotContain("/t/o/").And.NotContain("/t/c/");
    }

    private async Task<(Sequence Sequence, Guid LeadId, OutboundMessage Message)> UnknownOutcomeAsync()
    {
        var sequence = await _seed.SequenceAsync(_context.TenantA);
        var lead = await _seed.LeadAsync(_context.TenantA, "unknown@example.com");
        await _seed.EnrollAsync(_context.TenantA, lead.Id, sequence.Id);
        var message = await _seed.MessageAsync(_context.TenantA, lead.Id, sequence, sequence.Steps.Single(s => s.StepOrder == 1), OutboundStatus.Unknown,
            error: "connection dropped after DATA");
        return (sequence, lead.Id, message);
    }

    private Task UnknownsAsync(Func<UnknownOutcomeService, Task> decision) =>
        _context.AsTenantAsync(_context.TenantA, services => decision(services.GetRequiredService<UnknownOutcomeService>()));
}
