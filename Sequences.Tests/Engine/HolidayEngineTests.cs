using System.Net;
using System.Text.Json.Nodes;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>skip_holidays through the API: the simulate endpoint and a real enrollment on Christmas Day.</summary>
public abstract class HolidayEngineTests(SequencesApp app) : EngineTestBase(app)
{
    private static readonly object SkipHolidays = new { skip_holidays = true };

    [Fact]
    public async Task The_simulated_timeline_of_a_UK_lead_waits_out_Christmas_and_says_why()
    {
        var sequence = await StartedSequenceAsync(SkipHolidays, new { step_type = "email", delay_days = 1, subject_line = "Hi", body_text = "b" });

        async Task<JsonArray> SimulateAsync(string? country) => (await JsonAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new
        {
            lead = new { email = "x@example.com", timezone = "Europe/London", country },
            start_at = "2026-12-24T10:00:00Z",
        })))["timeline"]!.AsArray();

        var uk = await SimulateAsync("GB");
        uk.Single(e => e!["action"]!.GetValue<string>() == "email_sent")!["at"]!.GetValue<string>().Should().Be("2026-12-29T09:00:00Z");
        uk.Single(e => e!["action"]!.GetValue<string>() == "step_scheduled")!["reason"]!.GetValue<string>()
            .Should().Contain("Public holiday in GB (Christmas, Boxing Day)");

        var nowhere = await SimulateAsync(null);
        nowhere.Single(e => e!["action"]!.GetValue<string>() == "email_sent")!["at"]!.GetValue<string>().Should().Be("2026-12-25T10:00:00Z");
    }

    [Fact]
    public async Task A_UK_lead_enrolled_on_Christmas_Day_is_mailed_on_the_29th_while_a_lead_without_country_is_mailed_at_once()
    {
        var christmas = new DateTimeOffset(2026, 12, 25, 10, 0, 0, TimeSpan.Zero);
        if (App.Clock.GetUtcNow() < christmas) App.Clock.SetUtcNow(christmas);
        var sequence = await StartedSequenceAsync(SkipHolidays, new { step_type = "email", subject_line = "Season's greetings", body_text = "b" });
        var uk = await CountryLeadAsync("GB");
        var nowhere = await LeadAsync(A, timezone: "Europe/London");
        await EnrollAsync(A, uk, Id(sequence));
        await EnrollAsync(A, nowhere, Id(sequence));

        await ProcessAsync();

        MailsTo(uk).Should().BeEmpty();
        MailsTo(nowhere).Should().ContainSingle();
        (await StateAsync(uk, Id(sequence)))["next_action_at"]!.GetValue<string>().Should().Be("2026-12-29T09:00:00Z");
        (await LogAsync(uk)).Should().Contain(l => l.ActionType == "step_scheduled" && l.Metadata["reason"].Contains("Public holiday in GB"));
    }

    private async Task<TestLead> CountryLeadAsync(string country)
    {
        var email = $"lead-{Guid.NewGuid():N}@example.co.uk";
        var response = await A.PostJsonAsync("/api/leads", new { email, first_name = "Ada", timezone = "Europe/London", country });
        await ExpectAsync(response, HttpStatusCode.Created);
        return new TestLead(Id(await JsonAsync(response)), email);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteHolidayEngineTests(SqliteEngineApp app) : HolidayEngineTests(app), IClassFixture<SqliteEngineApp>;
