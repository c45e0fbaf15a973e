using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Replies;

/// <summary>Issue #9 items 3 and 6 on the real app with the fake clock: an out-of-office reply that names a return date
/// holds the lead until that business morning, and a reply from a company stops its colleagues in the sequence.</summary>
public abstract class OutOfOfficeAndCompanyStopTests(SequencesApp app) : EngineTestBase(app)
{
    private const string Url = "/api/webhooks/inbound";
    private const string Zone = "America/New_York";

    private static readonly object FollowUpTomorrow = new { step_type = "email", delay_days = 1, subject_line = "Hi {{ lead.first_name }}", body_text = "Hello" };

    private async Task<TestLead> LeadWithEmailAsync(string email, string? timezone = null)
    {
        var response = await A.PostJsonAsync("/api/leads", new { email, first_name = "Ada", timezone });
        await ExpectAsync(response, HttpStatusCode.Created);
        return new TestLead(Id(await JsonAsync(response)), email);
    }

    private async Task<JsonObject> InboundAsync(string from, string subject, string text, Dictionary<string, string>? headers = null)
    {
        var response = await A.PostJsonAsync(Url, new
        {
            type = "reply", from, to = "owner@tenant-a.test", subject, message_id = $"<{Guid.NewGuid():N}@mail.example.com>", text,
            headers = headers ?? [],
        });
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    private Task<JsonObject> OutOfOfficeAsync(TestLead lead, string text) =>
        InboundAsync(lead.Email, "Automatic reply: Hi Ada", text, new() { ["Auto-Submitted"] = "auto-replied" });

    private static DateTime? NextActionAt(JsonObject state) =>
        state["next_action_at"]?.GetValue<string>() is { } value ? DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;

    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task An_out_of_office_reply_with_a_return_date_holds_the_lead_until_that_morning_in_its_zone_then_resumes()
    {
        var sequence = Id(await StartedSequenceAsync(new { send_window = new { start = "09:00", end = "17:00" } }, FollowUpTomorrow));
        var lead = await LeadAsync(A, timezone: Zone);
        await EnrollAsync(A, lead, sequence);
        var before = NextActionAt(await StateAsync(lead, sequence))!.Value;

        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var today = TimeZoneInfo.ConvertTimeFromUtc(App.Clock.GetUtcNow().UtcDateTime, zone).Date;
        var monday = today.AddDays(7);
        while (monday.DayOfWeek != DayOfWeek.Monday) monday = monday.AddDays(1);
        var morning = TimeZoneInfo.ConvertTimeToUtc(monday.AddHours(9), zone);

        var answer = await OutOfOfficeAsync(lead, $"Thanks for your message. I am away and will be back on Monday, {monday.ToString("MMMM d", CultureInfo.InvariantCulture)}.\n\nAda");
        answer["recorded"]!.GetValue<string>().Should().Be("out_of_office");

        var state = await StateAsync(lead, sequence);
        state["status"]!.GetValue<string>().Should().Be("active", "the hold resumes by itself; nobody has to press resume");
        NextActionAt(state).Should().Be(morning).And.BeAfter(before);
        var held = (await LogAsync(lead)).Should().ContainSingle(l => l.ActionType == "ooo_paused_until").Which;
        held.Metadata.Should().Contain("until", morning.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
            .And.Contain("return_date", monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).And.Contain("timezone", Zone);
        // "Why?" says so, with the log entry behind it.
        var why = JsonNode.Parse(await A.GetStringAsync($"/api/leads/{lead.Id}/explain?sequence_id={sequence}"))!;
        var away = why["steps"]!.AsArray().SelectMany(st => st!["reasons"]!.AsArray()).Single(r => r!["code"]!.GetValue<string>() == "lead_paused_until")!;
        away["sentence"]!.GetValue<string>().Should().Contain("out of office").And.Contain("then resumes by itself");
        away["log_entry_ids"]!.AsArray().Select(i => Guid.Parse(i!.GetValue<string>())).Should().Equal(held.Id);

        App.Clock.SetUtcNow(morning.AddMinutes(-1));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty("the lead is still away");

        App.Clock.SetUtcNow(morning);
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle("the sequence resumes on the morning the lead is back");
    }

    [Fact]
    public async Task An_out_of_office_hold_skips_the_leads_public_holidays_when_the_sequence_does()
    {
        var sequence = Id(await StartedSequenceAsync(new { skip_holidays = true }, FollowUpTomorrow));
        var email = $"away-{Unique()}@example.co.uk";
        var created = await A.PostJsonAsync("/api/leads", new { email, first_name = "Ada", timezone = "Europe/London", country = "GB" });
        await ExpectAsync(created, HttpStatusCode.Created);
        var lead = new TestLead(Id(await JsonAsync(created)), email);
        await EnrollAsync(A, lead, sequence);

        await OutOfOfficeAsync(lead, "I am away for the holidays and will be back on 25 December 2026.");

        // Christmas is a Friday, the Boxing Day bank holiday moves to Monday 28th: Tuesday 09:00 in London.
        NextActionAt(await StateAsync(lead, sequence)).Should().Be(new DateTime(2026, 12, 29, 9, 0, 0, DateTimeKind.Utc));
        (await LogAsync(lead)).Should().ContainSingle(l => l.ActionType == "ooo_paused_until")
            .Which.Metadata.Should().Contain("until", "2026-12-29T09:00:00Z").And.Contain("return_date", "2026-12-25");
    }

    [Fact]
    public async Task An_out_of_office_reply_without_a_readable_date_changes_nothing()
    {
        var sequence = Id(await StartedSequenceAsync(null, FollowUpTomorrow));
        var lead = await LeadAsync(A, timezone: Zone);
        await EnrollAsync(A, lead, sequence);
        var before = await StateAsync(lead, sequence);

        var answer = await OutOfOfficeAsync(lead, "I'm out of the office with limited access to email and will get back to you as soon as I can.");
        answer["recorded"]!.GetValue<string>().Should().Be("out_of_office");

        var after = await StateAsync(lead, sequence);
        after["status"]!.GetValue<string>().Should().Be("active");
        NextActionAt(after).Should().Be(NextActionAt(before));
        (await LogAsync(lead)).Should().NotContain(l => l.ActionType == "ooo_paused_until");
    }

    [Fact]
    public async Task A_reply_from_a_company_stops_its_colleagues_in_that_sequence_only()
    {
        var domain = $"acme-{Unique()}.com";
        var stopping = Id(await StartedSequenceAsync(new { stop_on_company_reply = true }, FollowUpTomorrow));
        var other = Id(await StartedSequenceAsync(new { stop_on_company_reply = true }, FollowUpTomorrow));
        var replier = await LeadWithEmailAsync($"ada@{domain}");
        var colleague = await LeadWithEmailAsync($"bob@{domain}");
        var pausedColleague = await LeadWithEmailAsync($"eve@{domain}");
        var sameNameElsewhere = await LeadWithEmailAsync($"carol@sub.{domain}");
        var colleagueElsewhere = await LeadWithEmailAsync($"dave@{domain}");
        foreach (var lead in new[] { replier, colleague, pausedColleague, sameNameElsewhere }) await EnrollAsync(A, lead, stopping);
        await EnrollAsync(A, colleagueElsewhere, other);
        await ExpectAsync(await A.PostJsonAsync($"/api/leads/{pausedColleague.Id}/pause-sequence", new { sequence_id = stopping }), HttpStatusCode.OK);

        (await InboundAsync(replier.Email, "Re: Hi Ada", "Yes, let's talk next week."))["recorded"]!.GetValue<string>().Should().Be("replied");

        (await StateAsync(replier, stopping))["stopped_reason"]!.GetValue<string>().Should().Be("replied");
        foreach (var stopped in new[] { colleague, pausedColleague })
        {
            var state = await StateAsync(stopped, stopping);
            state["status"]!.GetValue<string>().Should().Be("stopped");
            state["stopped_reason"]!.GetValue<string>().Should().Be("company_replied");
            NextActionAt(state).Should().BeNull();
            (await LogAsync(stopped)).Should().ContainSingle(l => l.ActionType == "auto_stopped")
                .Which.Metadata.Should().Contain("reason", "company_replied").And.Contain("replied_lead_id", replier.Id.ToString());
        }
        (await StateAsync(sameNameElsewhere, stopping))["status"]!.GetValue<string>().Should().Be("active", "a subdomain is another domain");
        (await StateAsync(colleagueElsewhere, other))["status"]!.GetValue<string>().Should().Be("active", "the replier is not in that sequence");
    }

    [Fact]
    public async Task A_reply_from_a_free_mail_address_stops_nobody_else()
    {
        var sequence = Id(await StartedSequenceAsync(new { stop_on_company_reply = true }, FollowUpTomorrow));
        var replier = await LeadWithEmailAsync($"ada.{Unique()}@gmail.com");
        var stranger = await LeadWithEmailAsync($"bob.{Unique()}@gmail.com");
        await EnrollAsync(A, replier, sequence);
        await EnrollAsync(A, stranger, sequence);

        await InboundAsync(replier.Email, "Re: Hi Ada", "Sounds good.");

        (await StateAsync(replier, sequence))["status"]!.GetValue<string>().Should().Be("stopped");
        (await StateAsync(stranger, sequence))["status"]!.GetValue<string>().Should().Be("active");
    }

    [Fact]
    public async Task With_the_setting_off_a_reply_stops_only_the_replier()
    {
        var domain = $"acme-{Unique()}.com";
        var sequence = Id(await StartedSequenceAsync(null, FollowUpTomorrow));
        var replier = await LeadWithEmailAsync($"ada@{domain}");
        var colleague = await LeadWithEmailAsync($"bob@{domain}");
        await EnrollAsync(A, replier, sequence);
        await EnrollAsync(A, colleague, sequence);

        await InboundAsync(replier.Email, "Re: Hi Ada", "Sounds good.");

        (await StateAsync(replier, sequence))["status"]!.GetValue<string>().Should().Be("stopped");
        (await StateAsync(colleague, sequence))["status"]!.GetValue<string>().Should().Be("active");
        (await LogAsync(colleague)).Should().NotContain(l => l.ActionType == "auto_stopped");
    }

    [Fact]
    public async Task The_setting_defaults_to_off_and_must_be_a_boolean()
    {
        var created = await A.PostJsonAsync("/api/sequences", new { name = "Company stop default" });
        await ExpectAsync(created, HttpStatusCode.Created);
        (await JsonAsync(created))["settings"]!["stop_on_company_reply"]!.GetValue<bool>().Should().BeFalse();

        await ExpectProblemAsync(await A.PostRawAsync("/api/sequences", """{"name":"x","settings":{"stop_on_company_reply":"yes"}}"""),
            HttpStatusCode.BadRequest, "settings.stop_on_company_reply");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteOutOfOfficeAndCompanyStopTests(SqliteEngineApp app) : OutOfOfficeAndCompanyStopTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresOutOfOfficeAndCompanyStopTests(PostgresEngineApp app) : OutOfOfficeAndCompanyStopTests(app), IClassFixture<PostgresEngineApp>;
