using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Sequences.Core.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>"Snooze until" through the API and real passes on a fake clock: nothing goes out before the day's first
/// business morning in the lead's zone, then the sequence goes on by itself.</summary>
public abstract class SnoozeSequenceTests(SequencesApp app) : EngineTestBase(app)
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private DateOnly LondonToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(App.Clock.GetUtcNow().UtcDateTime, London));

    private Task<HttpResponseMessage> SnoozeAsync(HttpClient client, Guid lead, Guid? sequence, object? until) =>
        client.PostJsonAsync($"/api/leads/{lead}/snooze-sequence", new { sequence_id = sequence, until });

    [Fact]
    public async Task A_snoozed_lead_gets_nothing_until_the_day_then_goes_on_by_itself()
    {
        var sequence = await StartedSequenceAsync(new { send_window = new { start = "09:00", end = "17:00" }, business_days_only = true },
            new { step_type = "email", subject_line = "After the snooze", body_text = "Hi" });
        var lead = await LeadAsync(A, timezone: "Europe/London");
        await EnrollAsync(A, lead, Id(sequence));
        // A weekday four to six days ahead, so the morning is the day itself.
        var day = Enumerable.Range(4, 3).Select(d => LondonToday.AddDays(d)).First(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        var morning = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(9, 0)), London);

        var snoozed = await SnoozeAsync(A, lead, Id(sequence), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await ExpectAsync(snoozed, HttpStatusCode.OK);
        DateTime.Parse((await JsonAsync(snoozed))["next_action_at"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            .Should().Be(morning);
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("active", "a snooze moves the next action, not the status");
        var why = await JsonAsync(await A.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={Id(sequence)}"));
        why.ToJsonString().Should().Contain("snoozed by hand");

        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty();
        App.Clock.SetUtcNow(morning.AddMinutes(-1));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty();

        App.Clock.SetUtcNow(morning.AddMinutes(1));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle().Which.Subject.Should().Be("After the snooze");
        (await LogAsync(lead)).Should().Contain(l => l.ActionType == Snooze.LogAction && l.Metadata["day"] == day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Bad_days_missing_fields_ended_enrollments_and_other_tenants_are_refused_without_a_change()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Once", body_text = "Hi" });
        var lead = await LeadAsync(A, timezone: "Europe/London");
        await EnrollAsync(A, lead, Id(sequence));
        var before = (await StateAsync(lead, Id(sequence)))["next_action_at"]!.ToJsonString();
        var today = LondonToday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        (await ExpectProblemAsync(await SnoozeAsync(A, lead, Id(sequence), today), HttpStatusCode.BadRequest, "until")).ToJsonString()
            .Should().Contain("Pick a day after today");
        await ExpectProblemAsync(await SnoozeAsync(A, lead, Id(sequence), null), HttpStatusCode.BadRequest, "until");
        await ExpectProblemAsync(await SnoozeAsync(A, lead, null, LondonToday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            HttpStatusCode.BadRequest, "sequence_id");
        await ExpectProblemAsync(await SnoozeAsync(B, lead, Id(sequence), LondonToday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            HttpStatusCode.NotFound);
        (await StateAsync(lead, Id(sequence)))["next_action_at"]!.ToJsonString().Should().Be(before);

        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle();
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("completed");
        await ExpectProblemAsync(await SnoozeAsync(A, lead, Id(sequence), LondonToday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            HttpStatusCode.Conflict);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSnoozeSequenceTests(SqliteEngineApp app) : SnoozeSequenceTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSnoozeSequenceTests(PostgresEngineApp app) : SnoozeSequenceTests(app), IClassFixture<PostgresEngineApp>;
