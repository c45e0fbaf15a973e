using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>The engine end to end: the real app, its database, and a real SMTP server receiving MailKit mail.</summary>
public abstract class EngineTests(SequencesApp app) : EngineTestBase(app)
{
    [Fact]
    public async Task A_due_lead_gets_its_rendered_email_once_with_the_headers_mail_clients_need()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Hi {{ lead.first_name }} from {{ lead.company }}", body_html = "<p>Hello {{ lead.first_name }}, <a href=\"https://example.com/x\">see</a></p>" },
            new { step_type = "email", delay_days = 2, subject_line = "Follow-up", body_text = "Still there?" });
        var lead = await LeadAsync(A, first: "Grace");
        await EnrollAsync(A, lead, Id(sequence));

        var pass = await ProcessAsync();
        pass["emails_sent"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        await ProcessAsync();

        var mail = MailsTo(lead).Should().ContainSingle("a second pass never sends the same step again").Subject;
        mail.Subject.Should().Be("Hi Grace from Engines Ltd");
        mail.HtmlBody.Should().Contain("Hello Grace");
        mail.TextBody.Should().Contain("Hello Grace");
        mail.MessageId.Should().NotBeNullOrEmpty();
        mail.Headers["List-Unsubscribe"].Should().Contain("https://sequences.test/u/");
        mail.Headers["List-Unsubscribe-Post"].Should().Be("List-Unsubscribe=One-Click");

        var state = await StateAsync(lead, Id(sequence));
        state["emails_sent"]!.GetValue<int>().Should().Be(1);
        state["current_step_order"]!.GetValue<int>().Should().Be(2);
        state["next_action_at"]!.GetValue<string>().Should().Be(App.Clock.GetUtcNow().UtcDateTime.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        state["recent_log"]!.AsArray().Select(l => l!["action_type"]!.GetValue<string>()).Should().Contain(["enrolled", "email_sent"]);
        var message = (await MessagesAsync(lead)).Single();
        message.Status.Should().Be(OutboundStatus.Sent);
        mail.MessageId.Should().Be(message.MessageId.Trim('<', '>'));

        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("Hi Grace from Engines Ltd", "Follow-up");
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("completed");
    }

    [Fact]
    public async Task An_empty_plain_text_part_as_templates_save_it_is_made_from_the_html()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Hi", body_html = "<p>Hello {{ lead.first_name }}, welcome aboard.</p>", body_text = "" });
        var lead = await LeadAsync(A, first: "Grace");
        await EnrollAsync(A, lead, Id(sequence));

        await ProcessAsync();

        MailsTo(lead).Should().ContainSingle().Which.TextBody.Should().Contain("Hello Grace, welcome aboard.");
    }

    [Fact]
    public async Task A_blocked_domain_is_never_mailed_nor_enrolled_while_other_domains_are()
    {
        var domain = $"rival-{Guid.NewGuid():N}"[..14] + ".example";
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Hi", body_text = "Hello" });
        var ours = await LeadAsync(A);
        var enrolledBefore = await RivalAsync("ceo");
        await EnrollAsync(A, ours, Id(sequence));
        await EnrollAsync(A, enrolledBefore, Id(sequence));

        await ExpectProblemAsync(await A.PostJsonAsync("/api/suppressions", new { email = "@rival" }), HttpStatusCode.BadRequest, "email");
        var blocked = await A.PostJsonAsync("/api/suppressions", new { email = $"@{domain.ToUpperInvariant()}" });
        await ExpectAsync(blocked, HttpStatusCode.Created);
        (await JsonAsync(blocked))["email"]!.GetValue<string>().Should().Be($"@{domain}");
        var later = await RivalAsync("cto");
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{later.Id}/assign-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.Conflict);

        await ProcessAsync();

        MailsTo(ours).Should().ContainSingle();
        MailsTo(enrolledBefore).Should().BeEmpty("the pass checks the blocked list, domains included, before every send");
        (await StateAsync(enrolledBefore, Id(sequence)))["stopped_reason"]!.GetValue<string>().Should().Be("suppressed");

        async Task<TestLead> RivalAsync(string name)
        {
            var email = $"{name}@{domain}";
            return new TestLead(Id(await JsonAsync(await A.PostJsonAsync("/api/leads", new { email }))), email);
        }
    }

    [Fact]
    public async Task Same_thread_steps_reply_to_the_last_email_so_the_lead_sees_one_conversation()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Re: Intro for {{ lead.first_name }}", body_text = "Hello", same_thread = true },
            new { step_type = "email", delay_days = 2, subject_line = "Only if nothing was sent", body_text = "Bumping this", same_thread = true },
            new { step_type = "email", delay_days = 2, subject_line = "A new topic", body_text = "Something else" },
            new { step_type = "email", delay_days = 2, subject_line = "Unused", body_text = "Last try", same_thread = true });
        var lead = await LeadAsync(A, first: "Grace");
        await EnrollAsync(A, lead, Id(sequence));

        await ProcessAsync();
        for (var i = 0; i < 3; i++)
        {
            App.Clock.Advance(TimeSpan.FromDays(2));
            await ProcessAsync();
        }

        var mails = MailsTo(lead);
        mails.Select(m => m.Subject).Should().Equal("Re: Intro for Grace", "Re: Intro for Grace", "A new topic", "Re: A new topic");
        mails[0].InReplyTo.Should().BeNull("nothing was sent before the first email, so it starts the conversation with its own subject");
        mails[0].References.Should().BeEmpty();
        mails[1].InReplyTo.Should().Be(mails[0].MessageId);
        mails[1].References.Should().Equal(mails[0].MessageId);
        mails[2].InReplyTo.Should().BeNull("a step without same thread starts a new one");
        mails[3].InReplyTo.Should().Be(mails[2].MessageId);
        mails[3].References.Should().Equal([mails[2].MessageId], "the earlier conversation had another subject");
        (await MessagesAsync(lead)).OrderBy(m => m.SentAt).Select(m => m.Subject).Should()
            .Equal("Re: Intro for Grace", "Re: Intro for Grace", "A new topic", "Re: A new topic");
    }

    [Theory]
    [InlineData("tag_lead")]
    [InlineData("notify_user")]
    public async Task An_action_between_two_emails_due_at_once_is_stored_finished_and_never_runs_again(string actionType)
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "First", body_text = "Hello" },
            new { step_type = "action", action_type = actionType, action_config = new { tag = "engaged", message = "Grace is engaged" } },
            new { step_type = "email", subject_line = "Second", body_text = "Again" });
        var lead = await LeadAsync(A, first: "Grace");
        var other = await LeadAsync(A, first: "Ada"); // a chunk mate, as in a real pass
        await EnrollAsync(A, lead, Id(sequence));
        await EnrollAsync(A, other, Id(sequence));

        await ProcessAsync();

        var state = await StateAsync(lead, Id(sequence));
        state["status"]!.GetValue<string>().Should().Be("completed", "both emails and the action ran: nothing is left");
        state["emails_sent"]!.GetValue<int>().Should().Be(2);
        (await DbAsync(db => db.LeadSequenceStates.AsNoTracking().Where(s => s.LeadId == lead.Id).Select(s => s.LeaseOwner).SingleAsync()))
            .Should().BeNull("the pass gave its lease back");

        // Long after any lease would have expired, another pass finds nothing to do again.
        App.Clock.Advance(TimeSpan.FromMinutes(30));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("First", "Second");
        (await LogAsync(lead)).Count(l => l.ActionType == "action_run").Should().Be(1, "the action ran once");
        (await LogAsync(lead)).Count(l => l.ActionType == "completed").Should().Be(1);
    }

    [Fact]
    public async Task Sent_mails_leave_their_message_event_and_log_rows_as_the_api_and_the_queries_read_them()
    {
        // The pass writes these rows in bulk, outside EF's change tracker (several rows per statement): they must
        // read back exactly as EF's own would, for every lead of the chunk.
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Rows for {{ lead.first_name }}", body_html = "<p>Hi {{ lead.first_name }}</p>" },
            new { step_type = "email", delay_days = 3, subject_line = "Later", body_text = "t" });
        var leads = new List<TestLead>();
        foreach (var first in new[] { "Ada", "Grace", "Edsger" })
        {
            var lead = await LeadAsync(A, first: first);
            await EnrollAsync(A, lead, Id(sequence));
            leads.Add(lead);
        }
        var sentAt = App.Clock.GetUtcNow().UtcDateTime;

        await ProcessAsync();

        foreach (var (lead, first) in leads.Zip(new[] { "Ada", "Grace", "Edsger" }))
        {
            var message = (await MessagesAsync(lead)).Should().ContainSingle().Subject;
            message.Status.Should().Be(OutboundStatus.Sent);
            message.SentAt.Should().BeCloseTo(sentAt, TimeSpan.FromMilliseconds(1));
            message.Subject.Should().Be($"Rows for {first}");
            message.LeaseOwner.Should().BeNull();
            message.LeaseUntil.Should().BeNull();
            message.LastError.Should().BeNull();
            message.Attempts.Should().Be(1);
            message.TenantId.Should().NotBeEmpty();
            message.CreatedAt.Should().BeCloseTo(sentAt, TimeSpan.FromMilliseconds(1));
            message.UpdatedAt.Should().BeCloseTo(sentAt, TimeSpan.FromMilliseconds(1));

            var events = await DbAsync(db => db.EngagementEvents.Where(e => e.LeadId == lead.Id).ToListAsync());
            var sent = events.Should().ContainSingle().Subject;
            (sent.Type, sent.MessageId, sent.SequenceId, sent.StepId, sent.TenantId)
                .Should().Be((EngagementType.Sent, (Guid?)message.Id, (Guid?)Id(sequence), (Guid?)message.StepId, message.TenantId));
            sent.OccurredAt.Should().BeCloseTo(sentAt, TimeSpan.FromMilliseconds(1));
            sent.Metadata.Should().BeEmpty();

            var log = await LogAsync(lead);
            var emailSent = log.Should().ContainSingle(l => l.ActionType == "email_sent").Subject;
            emailSent.ActionResult.Should().Be(LogResult.Success);
            emailSent.StepId.Should().Be(message.StepId);
            emailSent.StepOrder.Should().Be(1);
            emailSent.ExecutedAt.Should().BeCloseTo(sentAt, TimeSpan.FromMilliseconds(1));
            emailSent.Metadata.Should().Contain("subject", $"Rows for {first}").And.Contain("message_id", message.MessageId);
            log.Should().OnlyContain(l => l.TenantId == message.TenantId && l.SequenceId == Id(sequence) && l.LeadId == lead.Id);

            var state = await StateAsync(lead, Id(sequence));
            state["recent_log"]!.AsArray().Select(l => l!["action_type"]!.GetValue<string>()).Should().Contain("email_sent");
            state["emails_sent"]!.GetValue<int>().Should().Be(1);
        }
    }

    [Fact]
    public async Task Five_concurrent_passes_over_500_due_leads_deliver_exactly_500_mails()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Bulk {{ lead.email }}", body_text = "b" });
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "Bulk" }));
        var leads = new List<TestLead>();
        var marker = Guid.NewGuid().ToString("N")[..8];
        await App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var service = sp.GetRequiredService<Sequences.Infrastructure.Leads.LeadService>();
            for (var i = 0; i < 500; i++)
            {
                var lead = await service.CreateAsync(new Sequences.Core.Leads.LeadInput { Email = $"bulk-{marker}-{i}@example.com" });
                leads.Add(new TestLead(lead.Id, lead.Email));
            }
            return 0;
        });
        await ExpectAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = leads.Select(l => l.Id) }), HttpStatusCode.OK);
        var assigned = await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/assign-sequence", new { sequence_id = Id(sequence), enroll_existing = true });
        await ExpectAsync(assigned, HttpStatusCode.OK);
        (await JsonAsync(assigned))["enrollment"]!["enrolled"]!.GetValue<int>().Should().Be(500);

        var passes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ProcessAsync(App.ClientFor(SequencesApp.KeyA))));

        var received = App.Smtp.Messages.Where(m => (m.Subject ?? "").StartsWith($"Bulk bulk-{marker}-")).ToList();
        received.Should().HaveCount(500);
        received.Select(m => m.Subject).Should().OnlyHaveUniqueItems();
        received.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
        passes.Sum(p => p["emails_sent"]!.GetValue<int>()).Should().BeGreaterThanOrEqualTo(500);
        (await DbAsync(db => db.OutboundMessages.CountAsync(m => m.SequenceId == Id(sequence) && m.Status == OutboundStatus.Sent))).Should().Be(500);
    }

    [Fact]
    public async Task A_4xx_reply_is_retried_after_a_minute_and_sent_once()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Retry me", body_text = "b" });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        App.Smtp.FailNextWith(451, times: 1);

        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty();
        var first = (await MessagesAsync(lead)).Single();
        first.Status.Should().Be(OutboundStatus.Queued);
        first.LastError.Should().Contain("451");
        (await LogAsync(lead)).Should().Contain(l => l.ActionType == "send_retry");

        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty("the back-off has not passed");

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle();
        var sent = (await MessagesAsync(lead)).Single();
        sent.Status.Should().Be(OutboundStatus.Sent);
        sent.Attempts.Should().Be(2);
    }

    [Fact]
    public async Task A_5xx_reply_fails_the_step_logs_it_and_the_sequence_goes_on_or_stops_by_policy()
    {
        var skip = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Bounce me", body_text = "b" },
            new { step_type = "action", action_type = "tag_lead", action_config = new { tag = "after-failure" } });
        var stop = await StartedSequenceAsync(new { send_window = new { start = "00:00", end = "24:00" }, business_days_only = false, on_send_failure = "stop" },
            new { step_type = "email", subject_line = "Bounce me too", body_text = "b" },
            new { step_type = "action", action_type = "tag_lead", action_config = new { tag = "never" } });
        var lead = await LeadAsync(A);
        var other = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(skip));
        await EnrollAsync(A, other, Id(stop));
        App.Smtp.AlwaysFailWith(550);
        try
        {
            var pass = await ProcessAsync();
            pass["failed"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(2);
        }
        finally
        {
            App.Smtp.Reset();
        }

        (await MessagesAsync(lead)).Single().Status.Should().Be(OutboundStatus.Failed);
        (await LogAsync(lead)).Should().Contain(l => l.ActionType == "email_failed" && l.ActionResult == LogResult.Failed && l.ErrorMessage!.Contains("550"));
        (await StateAsync(lead, Id(skip)))["status"]!.GetValue<string>().Should().Be("completed");
        (await JsonAsync(await A.GetAsync($"/api/leads/{lead.Id}")))["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain("after-failure");

        var stopped = await StateAsync(other, Id(stop));
        stopped["status"]!.GetValue<string>().Should().Be("stopped");
        stopped["stopped_reason"]!.GetValue<string>().Should().Be("send_failed");
        (await StateAsync(lead, Id(skip)))["emails_sent"]!.GetValue<int>().Should().Be(0, "only a sent message counts");
    }

    [Fact]
    public async Task An_enrollment_whose_lease_another_pass_took_mid_send_keeps_that_pass_values_and_its_chunk_mates_are_written()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Lease", body_text = "b" },
            new { step_type = "email", delay_days = 2, subject_line = "Later", body_text = "b" });
        var first = await LeadAsync(A);
        var second = await LeadAsync(A);
        await EnrollAsync(A, first, Id(sequence));
        await EnrollAsync(A, second, Id(sequence));
        App.Smtp.StallAfter(1);

        var pass = ProcessAsync();
        await App.Smtp.WaitForStallAsync();
        var held = App.Smtp.Held.Single().To.Mailboxes.Single().Address == first.Email ? first : second;
        var sent = held == first ? second : first;
        // Another pass re-claims the held lead's enrollment while this one waits for the relay.
        await DbAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().Where(s => s.LeadId == held.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, "another-pass")));
        App.Smtp.ReleaseStalled();
        (await pass)["emails_sent"]!.GetValue<int>().Should().Be(2);

        var states = await DbAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.LeadId == held.Id || s.LeadId == sent.Id).ToListAsync());
        var lost = states.Single(s => s.LeadId == held.Id);
        lost.LeaseOwner.Should().Be("another-pass", "a pass that lost the lease writes nothing to the enrollment");
        lost.EmailsSent.Should().Be(0);
        lost.CurrentStepOrder.Should().Be(1);
        var kept = states.Single(s => s.LeadId == sent.Id);
        kept.LeaseOwner.Should().BeNull();
        kept.EmailsSent.Should().Be(1, "the chunk's other enrollment is written in the retried commit");
        kept.CurrentStepOrder.Should().Be(2);
        (await MessagesAsync(held.Id)).Single().Status.Should().Be(OutboundStatus.Sent, "the mail went out: its row says so, so it is never sent again");
    }

    [Fact]
    public async Task A_pass_killed_between_the_sending_commit_and_the_smtp_reply_leaves_an_unknown_message_that_is_never_resent()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Maybe sent", body_text = "b" });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        var tenant = await DbAsync(db => Task.FromResult(db.CurrentTenantId));
        App.Smtp.StallAfter(0);
        using var kill = new CancellationTokenSource();
        var pass = App.Services.GetRequiredService<QueuePass>().RunAsync(tenant, kill.Token);
        await App.Smtp.WaitForStallAsync();

        (await MessagesAsync(lead)).Single().Status.Should().Be(OutboundStatus.Sending, "the row is committed before the SMTP reply");
        kill.Cancel();
        await FluentActions.Awaiting(() => pass).Should().ThrowAsync<OperationCanceledException>();
        App.Smtp.Reset(); // the relay may or may not keep the held message: that is what "unknown" means

        App.Clock.Advance(TimeSpan.FromMinutes(6)); // past the lease
        await ProcessAsync();
        await ProcessAsync();

        MailsTo(lead).Should().HaveCountLessThanOrEqualTo(1, "an unknown outcome is never re-sent automatically");
        var message = (await MessagesAsync(lead)).Single();
        message.Status.Should().Be(OutboundStatus.Unknown);
        message.Attempts.Should().Be(1, "no second attempt was made");
        var status = await JsonAsync(await A.GetAsync("/api/sequences/queue-status"));
        status["unknown"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        (await StateAsync(lead, Id(sequence)))["next_action_at"].Should().BeNull("the enrollment waits for a person to decide");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteEngineTests(SqliteEngineApp app) : EngineTests(app), IClassFixture<SqliteEngineApp>
{
    [Fact]
    public async Task Rows_the_pass_binds_itself_are_stored_as_ef_stores_them_so_sql_compares_them_alike()
    {
        // The pass binds its SQLite rows through SQLitePCL, not Microsoft.Data.Sqlite: SQLite compares text, so an id
        // or a time spelled any other way would silently stop matching EF's rows and EF's parameters.
        var (lead, configured) = await OneMailSentAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(configured);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The lead and the enrollment were written by EF; the message, its event, its log rows and the enrollment's
        // last update by the pass.
        command.CommandText = """
            SELECT m.id, typeof(m.sent_at), m.sent_at, l.created_at, s.updated_at, e.occurred_at, g.executed_at, m.last_error IS NULL
            FROM outbound_messages m
            JOIN leads l ON l.id = m.lead_id
            JOIN lead_sequence_state s ON s.id = m.state_id AND s.lead_id = l.id
            JOIN engagement_events e ON e.message_id = m.id AND e.lead_id = l.id
            JOIN sequence_execution_log g ON g.lead_id = l.id AND g.action_type = 'email_sent' AND g.step_id = m.step_id
            WHERE l.id = $lead
            """;
        command.Parameters.AddWithValue("$lead", lead.Id);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue("every id the pass wrote matches the ids EF wrote and binds");
        var id = reader.GetString(0);
        id.Should().Be(id.ToUpperInvariant()).And.HaveLength(36);
        reader.GetString(1).Should().Be("text");
        var efTime = reader.GetString(3);
        efTime.Should().Be(App.Clock.GetUtcNow().UtcDateTime.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));
        new[] { reader.GetString(2), reader.GetString(4), reader.GetString(5), reader.GetString(6) }.Should().AllBe(efTime, "the clock did not move");
        reader.GetBoolean(7).Should().BeTrue("a null stays null");
    }

    [Fact]
    public async Task The_pass_hands_its_writer_connection_back_to_the_pool_checkpointing_as_every_other_connection_does()
    {
        // The pass's writer checkpoints the WAL less often; the connection it borrowed must not carry that to the
        // pages and API calls that get it from the pool next.
        var (_, configured) = await OneMailSentAsync();
        var pooled = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(configured).ConnectionString;
        // Every idle connection of the pool at once, so the writer's is among them whichever the pool hands out first.
        var connections = Enumerable.Range(0, 32).Select(_ => new Microsoft.Data.Sqlite.SqliteConnection(pooled)).ToList();
        try
        {
            foreach (var connection in connections)
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_autocheckpoint";
                Convert.ToInt32(await command.ExecuteScalarAsync()).Should().Be(1000, "SQLite's default");
            }
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    /// <summary>A lead enrolled in a one-email sequence and sent its mail by a pass; the app's SQLite connection string.</summary>
    private async Task<(TestLead Lead, string ConnectionString)> OneMailSentAsync()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Hi", body_text = "Hello" });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        (await ProcessAsync())["emails_sent"]!.GetValue<int>().Should().Be(1);
        return (lead, App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["ConnectionStrings:Sequences"]!);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEngineTests(PostgresEngineApp app) : EngineTests(app), IClassFixture<PostgresEngineApp>;
