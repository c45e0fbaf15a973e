using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>Sending caps, the suppression list and the analytics built on the events.</summary>
public abstract class DeliverabilityTests(SequencesApp app) : EngineTestBase(app)
{
    [Fact]
    public async Task A_ten_a_day_mailbox_sends_ten_and_the_eleventh_waits_for_the_next_day()
    {
        var from = $"sales-{Guid.NewGuid():N}"[..14] + "@tenant-a.test";
        await DbAsync(async db =>
        {
            var admin = await db.Users.SingleAsync(u => u.Email == SequencesApp.AdminA);
            db.Mailboxes.Add(new Mailbox { UserId = admin.Id, FromAddress = from, DisplayName = "Sales", DailyCap = 10, Timezone = "Europe/London" });
            await db.SaveChangesAsync();
            return 0;
        });
        try
        {
            var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Capped", body_text = "b" });
            var leads = new List<TestLead>();
            for (var i = 0; i < 11; i++)
            {
                var lead = await LeadAsync(A);
                leads.Add(lead);
                await EnrollAsync(A, lead, Id(sequence));
            }

            await ProcessAsync();

            var sent = App.Smtp.Messages.Where(m => m.From.Mailboxes.Any(b => b.Address == from)).ToList();
            sent.Should().HaveCount(10);
            var waiting = leads.Single(l => MailsTo(l).Count == 0);
            var state = await StateAsync(waiting, Id(sequence));
            var now = App.Clock.GetUtcNow().UtcDateTime;
            var londonMidnight = TimeZoneInfo.ConvertTimeToUtc(TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).Date.AddDays(1),
                TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
            DateTime.Parse(state["next_action_at"]!.GetValue<string>()).ToUniversalTime().Should().Be(londonMidnight);
            (await LogAsync(waiting)).Should().Contain(l => l.ActionType == "send_deferred" && l.Metadata["reason_code"] == "mailbox_cap");

            await ProcessAsync();
            MailsTo(waiting).Should().BeEmpty("the cap holds for the rest of the day");
            App.Clock.SetUtcNow(new DateTimeOffset(londonMidnight));
            await ProcessAsync();
            MailsTo(waiting).Should().ContainSingle();
        }
        finally
        {
            await DbAsync(async db => await db.Mailboxes.Where(m => m.FromAddress == from).ExecuteDeleteAsync());
        }
    }

    [Fact]
    public async Task A_mailbox_with_its_own_smtp_server_sends_through_it_and_its_connection_can_be_tested()
    {
        await using var ownRelay = new SmtpSink();
        var from = $"own-{Guid.NewGuid():N}"[..12] + "@tenant-a.test";
        await DbAsync(async db =>
        {
            var admin = await db.Users.SingleAsync(u => u.Email == SequencesApp.AdminA);
            db.Mailboxes.Add(new Mailbox { UserId = admin.Id, FromAddress = from, SmtpHost = ownRelay.Host, SmtpPort = ownRelay.Port, SmtpSecurity = "none" });
            await db.SaveChangesAsync();
            return 0;
        });
        try
        {
            var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Via my own server", body_text = "b" });
            var lead = await LeadAsync(A);
            await EnrollAsync(A, lead, Id(sequence));

            await ProcessAsync();

            ownRelay.Messages.Should().ContainSingle(m => m.To.Mailboxes.Single().Address == lead.Email && m.From.Mailboxes.Single().Address == from);
            MailsTo(lead).Should().BeEmpty("the app's relay carries only mail of senders without a server of their own");

            var good = await TestConnectionAsync(new() { FromAddress = from, SmtpHost = ownRelay.Host, SmtpPort = ownRelay.Port, SmtpSecurity = "none" });
            good.Smtp.Ok.Should().BeTrue();
            good.Smtp.Message.Should().Contain($"{ownRelay.Host}:{ownRelay.Port}");
            good.Imap.Ok.Should().BeNull("no IMAP server was given");
            var closedPort = FreePort();
            var bad = await TestConnectionAsync(new() { FromAddress = from, SmtpHost = "127.0.0.1", SmtpPort = closedPort, SmtpSecurity = "none" });
            bad.Smtp.Ok.Should().BeFalse();
            bad.Smtp.Message.Should().StartWith($"127.0.0.1:{closedPort}: ");
            bad.AllOk.Should().BeFalse();
            var rejected = async () => await TestConnectionAsync(new() { FromAddress = "not an address" });
            (await rejected.Should().ThrowAsync<Sequences.Core.Common.InputRejectedException>()).Which.Issues.Should().Contain(i => i.Field == "from_address");
        }
        finally
        {
            await DbAsync(async db => await db.Mailboxes.Where(m => m.FromAddress == from).ExecuteDeleteAsync());
        }
    }

    private Task<Sequences.Infrastructure.Mailboxes.MailboxConnectionReport> TestConnectionAsync(Sequences.Infrastructure.Mailboxes.MailboxInput input) =>
        App.AsTenantAsync(SequencesApp.AdminA, sp => sp.GetRequiredService<Sequences.Infrastructure.Mailboxes.MailboxConnectionTester>().TestAsync(null, input));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_per_domain_hourly_cap_spreads_mail_to_one_domain()
    {
        var sequence = await StartedSequenceAsync(new { send_window = new { start = "00:00", end = "24:00" }, business_days_only = false, per_domain_hourly_cap = 2 },
            new { step_type = "email", subject_line = "Domain capped", body_text = "b" });
        var domain = $"d{Guid.NewGuid():N}"[..10] + ".example";
        var leads = new List<TestLead>();
        for (var i = 0; i < 3; i++)
        {
            var response = await A.PostJsonAsync("/api/leads", new { email = $"p{i}@{domain}" });
            var lead = new TestLead(Id(await JsonAsync(response)), $"p{i}@{domain}");
            leads.Add(lead);
            await EnrollAsync(A, lead, Id(sequence));
        }

        await ProcessAsync();
        leads.Count(l => MailsTo(l).Count == 1).Should().Be(2);
        App.Clock.Advance(TimeSpan.FromHours(1));
        await ProcessAsync();
        leads.Should().OnlyContain(l => MailsTo(l).Count == 1);
    }

    [Fact]
    public async Task A_suppressed_address_is_never_mailed_and_can_be_released()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Suppressed?", body_text = "b", delay_days = 1 });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));

        var added = await A.PostJsonAsync("/api/suppressions", new { email = lead.Email.ToUpperInvariant() });
        await ExpectAsync(added, HttpStatusCode.Created);
        var suppression = await JsonAsync(added);
        suppression["reason"]!.GetValue<string>().Should().Be("manual");
        await ExpectProblemAsync(await A.PostJsonAsync("/api/suppressions", new { email = lead.Email }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await A.PostJsonAsync("/api/suppressions", new { email = "nope" }), HttpStatusCode.BadRequest, "email");
        (await JsonAsync(await A.GetAsync($"/api/suppressions?q={lead.Email[..12]}")))["total"]!.GetValue<int>().Should().Be(1);
        (await JsonAsync(await B.GetAsync($"/api/suppressions?q={lead.Email[..12]}")))["total"]!.GetValue<int>().Should().Be(0);
        (await B.DeleteAsync($"/api/suppressions/{Id(suppression)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        App.Clock.Advance(TimeSpan.FromDays(1));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty();
        var state = await StateAsync(lead, Id(sequence));
        state["status"]!.GetValue<string>().Should().Be("stopped");
        state["stopped_reason"]!.GetValue<string>().Should().Be("suppressed");

        await ExpectAsync(await A.DeleteAsync($"/api/suppressions/{Id(suppression)}"), HttpStatusCode.NoContent);
        var other = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Welcome back", body_text = "b" });
        await EnrollAsync(A, lead, Id(other));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("Welcome back");
    }

    [Fact]
    public async Task Analytics_figures_equal_the_hand_counted_events()
    {
        var sequence = await StartedSequenceAsync(null,
            new
            {
                step_type = "email", subject_line = "Default", body_text = "b",
                variants = new object[] { new { variant = "A", subject_line = "Subject A", weight = 1 }, new { variant = "B", subject_line = "Subject B", weight = 1 } },
            },
            new { step_type = "email", subject_line = "Second", body_text = "b", delay_days = 1 });
        var leads = new List<TestLead>();
        for (var i = 0; i < 6; i++)
        {
            var lead = await LeadAsync(A);
            leads.Add(lead);
            await EnrollAsync(A, lead, Id(sequence));
        }
        await ProcessAsync();
        var messages = new Dictionary<Guid, OutboundMessage>();
        foreach (var lead in leads) messages[lead.Id] = (await MessagesAsync(lead)).Single();

        // Hand-made engagement: 3 leads open (one twice), 2 of them click, 1 replies, 1 unsubscribes.
        await Record(leads[0], EngagementType.Opened, messages[leads[0].Id].Id);
        await Record(leads[0], EngagementType.Opened, messages[leads[0].Id].Id);
        await Record(leads[1], EngagementType.Opened, messages[leads[1].Id].Id);
        await Record(leads[1], EngagementType.Clicked, messages[leads[1].Id].Id);
        await Record(leads[2], EngagementType.Clicked, messages[leads[2].Id].Id);
        await Record(leads[3], EngagementType.Replied, messages[leads[3].Id].Id);
        await Record(leads[4], EngagementType.Unsubscribed, messages[leads[4].Id].Id);

        var analytics = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics"));

        var totals = analytics["totals"]!;
        totals["sent"]!.GetValue<int>().Should().Be(6);
        totals["opened"]!.GetValue<int>().Should().Be(3, "unique per message, and a click counts as an open");
        totals["clicked"]!.GetValue<int>().Should().Be(2);
        totals["replied"]!.GetValue<int>().Should().Be(1);
        totals["unsubscribed"]!.GetValue<int>().Should().Be(1);
        totals["open_rate"]!.GetValue<double>().Should().Be(0.5);
        var enrollments = analytics["enrollments"]!;
        enrollments["enrolled"]!.GetValue<int>().Should().Be(6);
        enrollments["stopped"]!.GetValue<int>().Should().Be(2);
        enrollments["stopped_by_reason"]!["replied"]!.GetValue<int>().Should().Be(1);
        enrollments["stopped_by_reason"]!["unsubscribed"]!.GetValue<int>().Should().Be(1);
        var steps = analytics["by_step"]!.AsArray();
        steps[0]!["metrics"]!["sent"]!.GetValue<int>().Should().Be(6);
        steps[1]!["metrics"]!["sent"]!.GetValue<int>().Should().Be(0);
        var variants = analytics["by_variant"]!.AsArray();
        variants.Sum(v => v!["metrics"]!["sent"]!.GetValue<int>()).Should().Be(6);
        variants.Select(v => v!["variant"]!.GetValue<string>()).Should().BeSubsetOf(["A", "B"]);
        variants.Count(v => v!["leader"]!.GetValue<bool>()).Should().Be(1);
        foreach (var v in variants)
        {
            var name = v!["variant"]!.GetValue<string>();
            var expected = leads.Count(l => messages[l.Id].Variant == name);
            v["metrics"]!["sent"]!.GetValue<int>().Should().Be(expected);
        }
        analytics["by_day"]!.AsArray().Should().ContainSingle().Which!["date"]!.GetValue<string>().Should().Be(App.Clock.GetUtcNow().ToString("yyyy-MM-dd"));
        MailsTo(leads[0]).Single().Subject.Should().Be(messages[leads[0].Id].Variant == "A" ? "Subject A" : "Subject B");

        var empty = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics?from=2030-01-01"));
        empty["totals"]!["sent"]!.GetValue<int>().Should().Be(0);
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics?from=yesterday"), HttpStatusCode.BadRequest, "from");
        (await B.GetAsync($"/api/sequences/{Id(sequence)}/analytics")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // A lead enrolled but not mailed yet changes no rate: the sequences list gives the reply rate the analytics give.
        await EnrollAsync(A, await LeadAsync(A), Id(sequence));
        var replyRate = (await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics")))["totals"]!["reply_rate"]!.GetValue<double>();
        replyRate.Should().Be(Math.Round(1 / 6.0, 4));
        var listed = (await JsonAsync(await A.GetAsync($"/api/sequences?q={Uri.EscapeDataString(sequence["name"]!.GetValue<string>())}&page_size=100")))["items"]!.AsArray()
            .Single(i => i!["id"]!.GetValue<string>() == Id(sequence).ToString())!;
        listed["reply_rate"]!.GetValue<double>().Should().Be(replyRate);
        await ProcessAsync(); // the shared app's later tests find no lead of this one due
    }

    [Fact]
    public async Task Every_variant_of_the_test_is_listed_and_none_leads_before_one_is_ahead()
    {
        var sequence = await StartedSequenceAsync(null, new
        {
            step_type = "email", subject_line = "Default", body_text = "b",
            variants = new object[] { new { variant = "A", subject_line = "Subject A", weight = 1 }, new { variant = "B", subject_line = "Subject B", weight = 0 } },
        });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync();

        async Task<List<(string Variant, int Sent, bool Leader)>> VariantsAsync() =>
            (await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics")))["by_variant"]!.AsArray()
            .Select(v => (v!["variant"]!.GetValue<string>(), v["metrics"]!["sent"]!.GetValue<int>(), v["leader"]!.GetValue<bool>())).ToList();

        (await VariantsAsync()).Should().Equal([("A", 1, false), ("B", 0, false)], "one send with nothing back puts nobody ahead, and B is still in the test");
        await Record(lead, EngagementType.Opened, (await MessagesAsync(lead)).Single().Id);
        (await VariantsAsync()).Should().Equal([("A", 1, true), ("B", 0, false)]);
    }

    private Task Record(TestLead lead, EngagementType type, Guid? messageId) =>
        App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var tenant = sp.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value;
            return await sp.GetRequiredService<EngagementRecorder>().RecordAsync(new EngagementInput(tenant, lead.Id, type, messageId));
        });
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteDeliverabilityTests(SqliteEngineApp app) : DeliverabilityTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeliverabilityTests(PostgresEngineApp app) : DeliverabilityTests(app), IClassFixture<PostgresEngineApp>;
