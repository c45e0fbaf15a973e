using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Resilience;

/// <summary>
/// The relay is down for a whole pass and the one after, then comes back (issue #8, item 2). Nothing may be marked
/// sent that was not, the back-off (1 then 5 minutes) must show in queue health, and after recovery every mail goes
/// out exactly once. The fake clock steps over the back-off, so nothing waits on real time.
/// </summary>
public abstract class SmtpOutageTests(SequencesApp app) : EngineTestBase(app)
{
    private const int Leads = 30;

    [Fact]
    public async Task A_relay_that_refuses_connections_holds_every_mail_back_with_visible_backoff_then_each_goes_out_exactly_once()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Outage {{ lead.email }}", body_text = "b" });
        var leads = new List<TestLead>();
        for (var i = 0; i < Leads; i++)
        {
            var lead = await LeadAsync(A);
            await EnrollAsync(A, lead, Id(sequence));
            leads.Add(lead);
        }
        var start = App.Clock.GetUtcNow().UtcDateTime;
        App.Smtp.RefuseConnections();
        try
        {
            // The whole first pass runs against a relay that is down.
            var first = await ProcessAsync();
            first["emails_sent"]!.GetValue<int>().Should().Be(0);
            first["failed"]!.GetValue<int>().Should().Be(0, "a relay that cannot be reached is a transient failure, not a failed message");
            App.Smtp.RefusedConnections.Should().BeGreaterThan(0, "the pass did try the relay");
            await ExpectNothingSentAsync(leads, Id(sequence), attempts: 1);
            var status = await QueueStatusAsync();
            status["retrying"]!.GetValue<int>().Should().Be(Leads, "queue health shows the mail waiting out its back-off");
            status["next_retry_at"]!.GetValue<DateTime>().Should().Be(start.AddMinutes(1), "the first retry comes after 1 minute");
            status["due"]!.GetValue<int>().Should().Be(0);
            status["unknown"]!.GetValue<int>().Should().Be(0, "nothing reached the relay, so nothing is in doubt");
            status["failed_last_hour"]!.GetValue<int>().Should().Be(0);
            (await LogAsync(leads[0])).Should().Contain(l => l.ActionType == "send_retry" && l.ErrorMessage!.Contains("connect"));

            // Before the back-off has passed, a pass does not even try the relay.
            var refused = App.Smtp.RefusedConnections;
            (await ProcessAsync())["processed"]!.GetValue<int>().Should().Be(0);
            App.Smtp.RefusedConnections.Should().Be(refused);

            // Still down at the first retry: the back-off grows to 5 minutes.
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            (await ProcessAsync())["emails_sent"]!.GetValue<int>().Should().Be(0);
            await ExpectNothingSentAsync(leads, Id(sequence), attempts: 2);
            status = await QueueStatusAsync();
            status["retrying"]!.GetValue<int>().Should().Be(Leads);
            status["next_retry_at"]!.GetValue<DateTime>().Should().Be(start.AddMinutes(1 + 5));
        }
        finally
        {
            App.Smtp.AcceptConnections();
        }

        // The relay is back; the retry is due.
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var recovered = await ProcessAsync();
        recovered["emails_sent"]!.GetValue<int>().Should().Be(Leads);

        // Later passes, well past every back-off step, send nothing again.
        App.Clock.Advance(TimeSpan.FromMinutes(30));
        await ProcessAsync();
        foreach (var lead in leads) MailsTo(lead).Should().ContainSingle($"{lead.Email} gets its mail exactly once");
        var messages = await DbAsync(db => db.OutboundMessages.AsNoTracking().Where(m => m.SequenceId == Id(sequence)).ToListAsync());
        messages.Should().HaveCount(Leads).And.OnlyContain(m => m.Status == OutboundStatus.Sent && m.Attempts == 3);
        foreach (var lead in leads.Take(3))
        {
            var state = await StateAsync(lead, Id(sequence));
            state["status"]!.GetValue<string>().Should().Be("completed");
            state["emails_sent"]!.GetValue<int>().Should().Be(1);
        }
        var after = await QueueStatusAsync();
        after["retrying"]!.GetValue<int>().Should().Be(0);
        after["next_retry_at"].Should().BeNull();
        after["unknown"]!.GetValue<int>().Should().Be(0);
    }

    /// <summary>Nothing reached anyone and nothing claims it did: no mail at the sink, no sent message, event or counter.</summary>
    private async Task ExpectNothingSentAsync(IReadOnlyList<TestLead> leads, Guid sequence, int attempts)
    {
        foreach (var lead in leads) MailsTo(lead).Should().BeEmpty();
        var messages = await DbAsync(db => db.OutboundMessages.AsNoTracking().Where(m => m.SequenceId == sequence).ToListAsync());
        messages.Should().HaveCount(leads.Count)
            .And.OnlyContain(m => m.Status == OutboundStatus.Queued && m.SentAt == null && m.Attempts == attempts && m.NextAttemptAt != null);
        (await DbAsync(db => db.EngagementEvents.CountAsync(e => e.SequenceId == sequence && e.Type == EngagementType.Sent))).Should().Be(0);
        (await DbAsync(db => db.LeadSequenceStates.CountAsync(s => s.SequenceId == sequence && (s.EmailsSent > 0 || s.Status != EnrollmentStatus.Active))))
            .Should().Be(0, "every enrollment still waits on its first email");
    }

    private async Task<JsonObject> QueueStatusAsync() => await JsonAsync(await A.GetAsync("/api/sequences/queue-status"));
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSmtpOutageTests(SqliteEngineApp app) : SmtpOutageTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSmtpOutageTests(PostgresEngineApp app) : SmtpOutageTests(app), IClassFixture<PostgresEngineApp>;
