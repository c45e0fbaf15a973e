using System.Net;
using System.Text.Json.Nodes;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

/// <summary>GET /api/leads/{id}/explain: each step done, next (and why then) or blocked, with the log entries behind it.</summary>
public abstract class ExplainApiTests(SequencesApp app) : EngineTestBase(app)
{
    private async Task<JsonObject> ExplainAsync(Guid lead, Guid sequence, HttpClient? client = null)
    {
        var response = await (client ?? A).GetAsync($"/api/leads/{lead}/explain?sequence_id={sequence}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    private static JsonArray StepsOf(JsonObject explanation) => explanation["steps"]!.AsArray();

    private static IEnumerable<string> Codes(JsonNode step) => step["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>());

    [Fact]
    public async Task A_sent_step_is_done_and_the_next_step_says_when_and_why_with_its_log_entries()
    {
        var sequence = await StartedSequenceAsync(null, Email(), Email("Second", delayDays: 2));
        var lead = await LeadAsync(A, timezone: "America/New_York");
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync();

        var explanation = await ExplainAsync(lead, Id(sequence));

        explanation["timezone"]!.GetValue<string>().Should().Be("America/New_York");
        explanation["blockers"]!.AsArray().Should().BeEmpty();
        var steps = StepsOf(explanation);
        steps.Select(s => s!["status"]!.GetValue<string>()).Should().Equal("done", "next");
        var log = await LogAsync(lead);
        var sent = log.Single(l => l.ActionType == "email_sent");
        var done = steps[0]!["reasons"]!.AsArray().Single()!;
        done["code"]!.GetValue<string>().Should().Be("email_sent");
        done["sentence"]!.GetValue<string>().Should().StartWith("Email sent on ").And.Contain("America/New_York").And.Contain("UTC");
        done["log_entry_ids"]!.AsArray().Select(i => Guid.Parse(i!.GetValue<string>())).Should().Equal(sent.Id);
        DateTime.Parse(steps[0]!["at"]!.GetValue<string>()).ToUniversalTime().Should().Be((await MessagesAsync(lead)).Single().SentAt!.Value);

        var next = steps[1]!;
        Codes(next).Should().Equal("delay");
        var due = DateTime.Parse(next["at"]!.GetValue<string>()).ToUniversalTime();
        due.Should().Be(DateTime.Parse((await StateAsync(lead, Id(sequence)))["next_action_at"]!.GetValue<string>()).ToUniversalTime());
        next["at"]!.GetValue<string>().Should().EndWith("Z");
        next["at_local"]!.GetValue<string>().Should().NotEndWith("Z");
        var scheduled = log.Last(l => l.ActionType == "step_scheduled");
        next["reasons"]![0]!["log_entry_ids"]!.AsArray().Select(i => Guid.Parse(i!.GetValue<string>())).Should().Equal(scheduled.Id);
        next["reasons"]![0]!["sentence"]!.GetValue<string>().Should().StartWith("The step's wait: waits 2 days after the previous step, until ");
        explanation["summary"]!.GetValue<string>().Should().StartWith("Step 2 (email): Next: ");
    }

    [Fact]
    public async Task A_lead_enrolled_before_the_start_waits_from_the_start_and_the_draft_blocked_it_until_then()
    {
        var created = await A.PostJsonAsync("/api/sequences", new { name = $"Draft {Guid.NewGuid():N}"[..20], settings = AlwaysOpen, steps = new[] { Email(delayDays: 1) } });
        var sequence = await JsonAsync(created);
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        (await ExplainAsync(lead, Id(sequence)))["blockers"]!.AsArray().Select(b => b!["code"]!.GetValue<string>()).Should().Equal("sequence_draft");

        App.Clock.Advance(TimeSpan.FromHours(5));
        await ExpectAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/start", null), HttpStatusCode.OK);
        var explanation = await ExplainAsync(lead, Id(sequence));

        explanation["blockers"]!.AsArray().Should().BeEmpty();
        var step = StepsOf(explanation).Single()!;
        var due = DateTime.Parse(step["at"]!.GetValue<string>()).ToUniversalTime();
        due.Should().Be(App.Clock.GetUtcNow().UtcDateTime.AddDays(1), "the wait counts from the start");
        due.Should().Be(DateTime.Parse((await StateAsync(lead, Id(sequence)))["next_action_at"]!.GetValue<string>()).ToUniversalTime());
        var started = (await LogAsync(lead)).Last(l => l.ActionType == "step_scheduled");
        step["reasons"]!.AsArray().Single()!["log_entry_ids"]!.AsArray().Select(i => Guid.Parse(i!.GetValue<string>())).Should().Equal(started.Id);
    }

    [Fact]
    public async Task A_paused_lead_is_blocked_by_the_pause()
    {
        var sequence = await StartedSequenceAsync(null, Email(delayDays: 1));
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ExpectAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/pause-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.OK);

        var explanation = await ExplainAsync(lead, Id(sequence));

        var blocker = explanation["blockers"]!.AsArray().Single()!;
        blocker["code"]!.GetValue<string>().Should().Be("lead_paused");
        var paused = (await LogAsync(lead)).Single(l => l.ActionType == "paused");
        blocker["log_entry_ids"]!.AsArray().Select(i => Guid.Parse(i!.GetValue<string>())).Should().Equal(paused.Id);
        StepsOf(explanation).Single()!["status"]!.GetValue<string>().Should().Be("blocked");
        explanation["summary"]!.GetValue<string>().Should().Be(blocker["sentence"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenants_lead_or_sequence_is_not_found_and_bad_input_is_a_problem()
    {
        var sequence = await StartedSequenceAsync(null, Email(delayDays: 1));
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        var theirSequence = await CreateSequenceAsync(B, "Theirs", Email());

        await ExpectProblemAsync(await B.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={Id(sequence)}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={Id(theirSequence)}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{Guid.NewGuid()}/explain?sequence_id={Id(sequence)}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{lead.Id}/explain"), HttpStatusCode.BadRequest, "sequence_id");
        var other = await StartedSequenceAsync(null, Email());
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={Id(other)}"), HttpStatusCode.BadRequest, "sequence_id");
        (await A.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id=not-a-guid")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.ClientFor("wrong-key").GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={Id(sequence)}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteExplainApiTests(SqliteEngineApp app) : ExplainApiTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExplainApiTests(PostgresEngineApp app) : ExplainApiTests(app), IClassFixture<PostgresEngineApp>;
