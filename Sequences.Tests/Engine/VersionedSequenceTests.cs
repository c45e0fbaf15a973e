using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>Versioned live sequences (issue #9): edits of a running sequence wait in a draft; publishing moves or
/// drains the leads in flight; each enrollment runs on its own version.</summary>
public abstract class VersionedSequenceTests(SequencesApp app) : EngineTestBase(app)
{
    private static object Mail(string subject, int delayDays = 0) => new { step_type = "email", subject_line = subject, body_text = "Hello", delay_days = delayDays };

    /// <summary>A started two-email sequence with one lead that got the first mail and waits two days for the second.</summary>
    private async Task<(Guid Sequence, TestLead Lead, JsonArray LiveSteps)> RunningAsync()
    {
        var sequence = await StartedSequenceAsync(null, Mail("First"), Mail("Second", delayDays: 2));
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("First");
        return (Id(sequence), lead, Steps(sequence));
    }

    /// <summary>The builder's save: the whole sequence as it was read, with the second subject changed.</summary>
    private async Task<JsonObject> EditSecondSubjectAsync(Guid sequence, string subject)
    {
        var current = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"));
        var steps = Steps(current).Select(s => (object)new
        {
            id = s!["id"]!.GetValue<string>(), step_type = "email", body_text = "Hello", delay_days = s["delay_days"]!.GetValue<int>(),
            subject_line = s["step_order"]!.GetValue<int>() == 2 ? subject : s["subject_line"]!.GetValue<string>(),
        }).ToList();
        var response = await A.PutJsonAsync($"/api/sequences/{sequence}", new { name = current["name"]!.GetValue<string>(), settings = AlwaysOpen, steps });
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    [Fact]
    public async Task A_running_sequence_with_ab_variants_takes_edits_into_its_draft_and_publishes_them()
    {
        var sequence = Id(await StartedSequenceAsync(null,
            new
            {
                step_type = "email", subject_line = "Default", body_text = "Hello",
                variants = new object[] { new { variant = "A", subject_line = "Subject A", weight = 1 }, new { variant = "B", subject_line = "Subject B", weight = 1 } },
            },
            Mail("Second", delayDays: 2)));
        var current = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"));
        var steps = Steps(current).Select(s => (object)new
        {
            id = s!["id"]!.GetValue<string>(), step_type = "email", body_text = "Hello", delay_days = s["delay_days"]!.GetValue<int>(),
            subject_line = s["step_order"]!.GetValue<int>() == 2 ? "Second, rewritten" : s["subject_line"]!.GetValue<string>(),
            variants = s["variants"]!.AsArray().Select(v => new
            {
                variant = v!["variant"]!.GetValue<string>(), subject_line = v["subject_line"]!.GetValue<string>() + " (edited)", weight = v["weight"]!.GetValue<int>(),
            }).ToArray(),
        }).ToList();

        var saved = await A.PutJsonAsync($"/api/sequences/{sequence}", new { name = current["name"]!.GetValue<string>(), settings = AlwaysOpen, steps });
        await ExpectAsync(saved, HttpStatusCode.OK);
        var again = await A.PutJsonAsync($"/api/sequences/{sequence}", new { name = current["name"]!.GetValue<string>(), settings = AlwaysOpen, steps });
        await ExpectAsync(again, HttpStatusCode.OK);

        var draft = await JsonAsync(again);
        draft["draft_version"]!.GetValue<int>().Should().Be(2);
        Steps(draft)[0]!["variants"]!.AsArray().Select(v => v!["subject_line"]!.GetValue<string>()).Should().Equal("Subject A (edited)", "Subject B (edited)");
        await ExpectAsync(await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { }), HttpStatusCode.OK);
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, sequence);
        await ProcessAsync();
        MailsTo(lead).Single().Subject.Should().EndWith("(edited)");
    }

    [Fact]
    public async Task Editing_a_running_sequence_makes_a_draft_and_the_running_version_keeps_sending_its_own_content()
    {
        var (sequence, lead, live) = await RunningAsync();

        var edited = await EditSecondSubjectAsync(sequence, "Second, rewritten");

        edited["version"]!.GetValue<int>().Should().Be(1);
        edited["draft_version"]!.GetValue<int>().Should().Be(2);
        Steps(edited).Select(s => s!["subject_line"]!.GetValue<string>()).Should().Equal("First", "Second, rewritten");
        Steps(edited).Select(s => s!["source_step_id"]!.GetValue<string>()).Should().Equal(live.Select(s => s!["id"]!.GetValue<string>()));
        var versions = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{sequence}/versions"))!["items"]!.AsArray();
        versions.Select(v => (v!["version"]!.GetValue<int>(), v["state"]!.GetValue<string>(), v["in_flight"]!.GetValue<int>()))
            .Should().Equal((2, "draft", 0), (1, "live", 1));

        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();

        MailsTo(lead).Select(m => m.Subject).Should().Equal("First", "Second");
    }

    [Fact]
    public async Task A_dry_run_shows_where_the_leads_are_and_changes_nothing_then_publishing_moves_them_and_logs_it()
    {
        var (sequence, lead, live) = await RunningAsync();
        var draft = await EditSecondSubjectAsync(sequence, "Second, v2");
        var liveSecond = live[1]!["id"]!.GetValue<string>();
        var draftSecond = Steps(draft)[1]!["id"]!.GetValue<string>();

        var dry = await JsonAsync(await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { dry_run = true }));

        dry["dry_run"]!.GetValue<bool>().Should().BeTrue();
        var row = dry["steps"]!.AsArray().Should().ContainSingle().Subject!;
        row["from_step_id"]!.GetValue<string>().Should().Be(liveSecond);
        row["leads"]!.GetValue<int>().Should().Be(1);
        row["to_step_id"]!.GetValue<string>().Should().Be(draftSecond);
        (await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}")))["draft_version"]!.GetValue<int>().Should().Be(2);
        (await StateAsync(lead, sequence))["version"]!.GetValue<int>().Should().Be(1);

        var published = await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { dry_run = false });
        await ExpectAsync(published, HttpStatusCode.OK);
        (await JsonAsync(published))["leads_moved"]!.GetValue<int>().Should().Be(1);

        var after = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"));
        after["version"]!.GetValue<int>().Should().Be(2);
        after["draft_version"].Should().BeNull();
        var state = await StateAsync(lead, sequence);
        state["version"]!.GetValue<int>().Should().Be(2);
        state["current_step_id"]!.GetValue<string>().Should().Be(draftSecond);
        (await LogAsync(lead)).Should().Contain(l => l.ActionType == "version_moved"
            && l.Metadata["from_step_id"] == liveSecond && l.Metadata["from_version"] == "1" && l.Metadata["to_version"] == "2");

        // Why: the first email counts as done on the new version (the same step, sent on v1); the second is next, moved by the publish.
        var why = await JsonAsync(await A.GetAsync($"/api/leads/{lead.Id}/explain?sequence_id={sequence}"));
        var steps = why["steps"]!.AsArray();
        steps.Select(s => s!["status"]!.GetValue<string>()).Should().Equal("done", "next");
        var movedReason = steps[1]!["reasons"]!.AsArray().Single(r => r!["code"]!.GetValue<string>() == "version_moved")!;
        movedReason["sentence"]!.GetValue<string>().Should().StartWith("Moved here when a new version was published").And.Contain("from version 1, step 2, to version 2");

        var newcomer = await LeadAsync(A);
        await EnrollAsync(A, newcomer, sequence);
        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();

        MailsTo(lead).Select(m => m.Subject).Should().Equal("First", "Second, v2");
        (await StateAsync(newcomer, sequence))["version"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Leads_mapped_to_drain_finish_on_the_old_version_and_analytics_split_by_version()
    {
        var (sequence, lead, live) = await RunningAsync();
        await EditSecondSubjectAsync(sequence, "Second, v2");
        var mapping = new Dictionary<string, string> { [live[1]!["id"]!.GetValue<string>()] = "drain" };

        var result = await JsonAsync(await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { mapping }));

        result["leads_draining"]!.GetValue<int>().Should().Be(1);
        var versions = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{sequence}/versions"))!["items"]!.AsArray();
        versions.Select(v => (v!["version"]!.GetValue<int>(), v["state"]!.GetValue<string>())).Should().Equal((2, "live"), (1, "draining"));
        var newcomer = await LeadAsync(A);
        await EnrollAsync(A, newcomer, sequence);
        await ProcessAsync();
        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();

        MailsTo(lead).Select(m => m.Subject).Should().Equal("First", "Second");
        MailsTo(newcomer).Select(m => m.Subject).Should().Equal("First", "Second, v2");
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("completed");
        versions = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{sequence}/versions"))!["items"]!.AsArray();
        versions.Single(v => v!["version"]!.GetValue<int>() == 1)!["state"]!.GetValue<string>().Should().Be("retired");

        var analytics = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}/analytics"));
        analytics["by_version"]!.AsArray().Select(v => (v!["version"]!.GetValue<int>(), v["metrics"]!["sent"]!.GetValue<int>()))
            .Should().Equal((2, 2), (1, 2));
        var v2Only = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}/analytics?version=2"));
        v2Only["totals"]!["sent"]!.GetValue<int>().Should().Be(2);
        v2Only["enrollments"]!["enrolled"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Step_edits_through_the_steps_api_go_to_the_draft_and_discarding_it_restores_the_live_steps()
    {
        var (sequence, lead, live) = await RunningAsync();
        var liveSecond = live[1]!["id"]!.GetValue<string>();

        var updated = await A.PutJsonAsync($"/api/sequences/{sequence}/steps/{liveSecond}", Mail("Edited through the steps API", 2));
        await ExpectAsync(updated, HttpStatusCode.OK);
        var step = await JsonAsync(updated);
        step["id"]!.GetValue<string>().Should().NotBe(liveSecond);
        step["source_step_id"]!.GetValue<string>().Should().Be(liveSecond);
        step["version"]!.GetValue<int>().Should().Be(2);
        var deleted = await A.DeleteAsync($"/api/sequences/{sequence}/steps/{live[0]!["id"]!.GetValue<string>()}");
        await ExpectAsync(deleted, HttpStatusCode.NoContent);
        Steps(await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"))).Should().ContainSingle();
        var versionOne = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}/versions/1"));
        versionOne["steps"]!.AsArray().Should().HaveCount(2);
        (versionOne["version"]!.GetValue<int>(), versionOne["steps_count"]!.GetValue<int>()).Should().Be((1, 2), "the response describes the version it shows");
        var draft = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}/versions/2"));
        (draft["version"]!.GetValue<int>(), draft["steps_count"]!.GetValue<int>()).Should().Be((2, 1));

        await ExpectAsync(await A.DeleteAsync($"/api/sequences/{sequence}/draft"), HttpStatusCode.NoContent);

        var restored = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"));
        restored["draft_version"].Should().BeNull();
        Steps(restored).Select(s => s!["id"]!.GetValue<string>()).Should().Equal(live.Select(s => s!["id"]!.GetValue<string>()));
        (await StateAsync(lead, sequence))["current_step_id"]!.GetValue<string>().Should().Be(liveSecond);
    }

    [Fact]
    public async Task Publishing_refuses_bad_mappings_an_invalid_draft_no_draft_and_another_tenants_sequence()
    {
        var (sequence, _, live) = await RunningAsync();
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { }), HttpStatusCode.Conflict);

        var draft = await EditSecondSubjectAsync(sequence, "");
        var liveSecond = live[1]!["id"]!.GetValue<string>();
        var stateBefore = await DbAsync(db => db.LeadSequenceStates.AsNoTracking().SingleAsync(s => s.SequenceId == sequence));

        var badTarget = await A.PostJsonAsync($"/api/sequences/{sequence}/publish",
            new { dry_run = true, mapping = new Dictionary<string, string> { [liveSecond] = Guid.NewGuid().ToString() } });
        await ExpectProblemAsync(badTarget, HttpStatusCode.BadRequest, $"mapping.{liveSecond}");

        var invalid = await ExpectProblemAsync(await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { }), HttpStatusCode.UnprocessableEntity);
        invalid["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).Should().Contain("empty_email");
        var dryRunOfInvalid = await A.PostJsonAsync($"/api/sequences/{sequence}/publish", new { dry_run = true });
        await ExpectAsync(dryRunOfInvalid, HttpStatusCode.OK);

        await ExpectProblemAsync(await B.PostJsonAsync($"/api/sequences/{sequence}/publish", new { }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await B.GetAsync($"/api/sequences/{sequence}/versions"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{sequence}/versions/9"), HttpStatusCode.NotFound);

        var after = await DbAsync(db => db.LeadSequenceStates.AsNoTracking().SingleAsync(s => s.SequenceId == sequence));
        after.Should().BeEquivalentTo(stateBefore);
        (await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}")))["draft_version"]!.GetValue<int>().Should().Be(Steps(draft)[0]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Saving_only_settings_or_canvas_positions_of_a_running_sequence_opens_no_draft()
    {
        var (sequence, _, live) = await RunningAsync();
        var current = await JsonAsync(await A.GetAsync($"/api/sequences/{sequence}"));
        var steps = Steps(current).Select(s => (object)new
        {
            id = s!["id"]!.GetValue<string>(), step_type = "email", body_text = "Hello", delay_days = s["delay_days"]!.GetValue<int>(),
            subject_line = s["subject_line"]!.GetValue<string>(), position_x = 120.5, position_y = 300.0,
        }).ToList();

        var saved = await JsonAsync(await A.PutJsonAsync($"/api/sequences/{sequence}", new
        {
            name = "Renamed", settings = new { send_window = new { start = "08:00", end = "24:00" }, business_days_only = false }, steps,
        }));

        saved["draft_version"].Should().BeNull();
        saved["name"]!.GetValue<string>().Should().Be("Renamed");
        saved["settings"]!["send_window"]!["start"]!.GetValue<string>().Should().Be("08:00");
        Steps(saved).Select(s => s!["id"]!.GetValue<string>()).Should().Equal(live.Select(s => s!["id"]!.GetValue<string>()));
        Steps(saved).Should().OnlyContain(s => s!["position_x"]!.GetValue<double>() == 120.5);
        JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{sequence}/versions"))!["items"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Leads_at_a_step_the_draft_deleted_move_to_the_next_step_that_survived()
    {
        var sequence = await StartedSequenceAsync(null, Mail("One"), new { step_type = "delay", delay_days = 1 }, Mail("Three", delayDays: 1));
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync(); // "One" sent, now waiting at the delay
        var delay = Steps(sequence)[1]!["id"]!.GetValue<string>();
        await ExpectAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}/steps/{delay}"), HttpStatusCode.NoContent);

        var result = await JsonAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/publish", new { }));

        result["steps"]!.AsArray().Single()!["to_step_order"]!.GetValue<int>().Should().Be(2);
        App.Clock.Advance(TimeSpan.FromDays(1));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("One", "Three");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteVersionedSequenceTests(SqliteEngineApp app) : VersionedSequenceTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresVersionedSequenceTests(PostgresEngineApp app) : VersionedSequenceTests(app), IClassFixture<PostgresEngineApp>;
