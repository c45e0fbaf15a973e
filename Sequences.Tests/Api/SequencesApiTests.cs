using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

public abstract class SequencesApiTests(SequencesApp app) : ApiTestBase(app)
{
    [Fact]
    public async Task Create_with_steps_answers_201_with_location_and_snake_case_resource()
    {
        var response = await A.PostJsonAsync("/api/sequences", new
        {
            name = "Cold outreach",
            description = "Three touches",
            settings = new { timezone = "Europe/Berlin", send_window = new { start = "08:00", end = "18:00" }, business_days_only = true },
            steps = new object[]
            {
                Email(),
                new { step_type = "delay", delay_days = 2, delay_hours = 3, send_time = "09:30" },
                new { step_type = "condition", condition_type = "if_not_replied", delay_days = 1, condition_value = new { within_days = 3 } },
                new { step_type = "action", action_type = "tag_lead", action_config = new { tag = "nurture" } },
            },
        });

        await ExpectAsync(response, HttpStatusCode.Created);
        var body = await JsonAsync(response);
        response.Headers.Location!.ToString().Should().Be($"/api/sequences/{Id(body)}");
        body["status"]!.GetValue<string>().Should().Be("draft");
        body["steps_count"]!.GetValue<int>().Should().Be(4);
        body["version"]!.GetValue<int>().Should().Be(1);
        body["settings"]!["timezone"]!.GetValue<string>().Should().Be("Europe/Berlin");
        body["settings"]!["send_window"]!["end"]!.GetValue<string>().Should().Be("18:00");
        var steps = Steps(body);
        steps.Select(s => s!["step_order"]!.GetValue<int>()).Should().Equal(1, 2, 3, 4);
        steps.Select(s => s!["step_type"]!.GetValue<string>()).Should().Equal("email", "delay", "condition", "action");
        steps[1]!["send_time"]!.GetValue<string>().Should().Be("09:30");
        steps[2]!["condition_type"]!.GetValue<string>().Should().Be("if_not_replied");
        steps[2]!["condition_value"]!["within_days"]!.GetValue<int>().Should().Be(3);
        steps[3]!["action_config"]!["tag"]!.GetValue<string>().Should().Be("nurture");
        body["created_at"]!.GetValue<string>().Should().EndWith("Z");

        var fetched = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(body)}"));
        Canonical(fetched["steps"]).Should().Be(Canonical(body["steps"]));
    }

    [Fact]
    public async Task List_pages_searches_and_filters_by_status()
    {
        var prefix = $"List-{Guid.NewGuid():N}"[..12];
        for (var i = 0; i < 7; i++) await CreateSequenceAsync(A, $"{prefix} {i}");

        var page = await JsonAsync(await A.GetAsync($"/api/sequences?q={prefix}&page=2&page_size=3"));
        page["total"]!.GetValue<int>().Should().Be(7);
        page["page"]!.GetValue<int>().Should().Be(2);
        page["page_size"]!.GetValue<int>().Should().Be(3);
        page["items"]!.AsArray().Should().HaveCount(3);

        var drafts = await JsonAsync(await A.GetAsync($"/api/sequences?q={prefix}&status=draft"));
        drafts["total"]!.GetValue<int>().Should().Be(7);
        var active = await JsonAsync(await A.GetAsync($"/api/sequences?q={prefix}&status=active"));
        active["total"]!.GetValue<int>().Should().Be(0);

        await ExpectProblemAsync(await A.GetAsync("/api/sequences?page=0"), HttpStatusCode.BadRequest, "page");
        await ExpectProblemAsync(await A.GetAsync("/api/sequences?page_size=100000"), HttpStatusCode.BadRequest, "page_size");
        await ExpectProblemAsync(await A.GetAsync("/api/sequences?status=running"), HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task Put_replaces_fields_and_syncs_steps_keeping_existing_ids()
    {
        var created = await CreateSequenceAsync(A, "Before", Email("One"), Email("Two"), Email("Three"));
        var ids = Steps(created).Select(s => Id(s!)).ToList();

        var response = await A.PutJsonAsync($"/api/sequences/{Id(created)}", new
        {
            name = "After",
            steps = new object[]
            {
                new { id = ids[2], step_type = "email", subject_line = "Three, now first", body_text = "x" },
                new { step_type = "delay", delay_days = 1 },
                new { id = ids[0], step_type = "email", subject_line = "One", body_text = "y" },
            },
        });

        await ExpectAsync(response, HttpStatusCode.OK);
        var body = await JsonAsync(response);
        body["name"]!.GetValue<string>().Should().Be("After");
        body["description"].Should().BeNull("PUT replaces: an absent optional field becomes empty");
        var steps = Steps(body);
        steps.Select(s => Id(s!)).Should().HaveCount(3).And.Contain(ids[2]).And.Contain(ids[0]).And.NotContain(ids[1]);
        Id(steps[0]!).Should().Be(ids[2]);
        steps[0]!["subject_line"]!.GetValue<string>().Should().Be("Three, now first");
        steps.Select(s => s!["step_order"]!.GetValue<int>()).Should().Equal(1, 2, 3);
        body["steps_count"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public async Task Put_refuses_a_step_id_of_another_sequence_and_changes_nothing()
    {
        var other = await CreateSequenceAsync(A, "Other", Email("Other's step"));
        var sequence = await CreateSequenceAsync(A, "Mine", Email("Mine"));
        var before = await A.GetStringAsync($"/api/sequences/{Id(sequence)}");

        var borrowed = new { id = Id(Steps(other)[0]!), step_type = "email", subject_line = "Borrowed", body_text = "b" };
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/sequences/{Id(sequence)}", new { name = "Mine", steps = new[] { borrowed } }),
            HttpStatusCode.BadRequest, "steps[0].id");

        (await A.GetStringAsync($"/api/sequences/{Id(sequence)}")).Should().Be(before);
        var fresh = new { id = Guid.NewGuid(), step_type = "email", subject_line = "New", body_text = "n" };
        await ExpectAsync(await A.PutJsonAsync($"/api/sequences/{Id(sequence)}", new { name = "Mine", steps = new[] { fresh } }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Steps_add_update_delete_keep_order_contiguous()
    {
        var sequence = await CreateSequenceAsync(A, "Steps", Email("1"), Email("2"), Email("3"));
        var id = Id(sequence);
        var ids = Steps(sequence).Select(s => Id(s!)).ToList();

        var added = await A.PostJsonAsync($"/api/sequences/{id}/steps", new { step_type = "delay", delay_hours = 4, step_order = 2 });
        await ExpectAsync(added, HttpStatusCode.Created);
        var addedStep = await JsonAsync(added);
        added.Headers.Location!.ToString().Should().Be($"/api/sequences/{id}/steps/{Id(addedStep)}");
        addedStep["step_order"]!.GetValue<int>().Should().Be(2);

        var updated = await A.PutJsonAsync($"/api/sequences/{id}/steps/{ids[2]}", new { step_type = "email", subject_line = "Third, edited", body_html = "<p>x</p>", delay_days = 3 });
        await ExpectAsync(updated, HttpStatusCode.OK);
        (await JsonAsync(updated))["delay_days"]!.GetValue<int>().Should().Be(3);

        var deleted = await A.DeleteAsync($"/api/sequences/{id}/steps/{ids[0]}");
        await ExpectAsync(deleted, HttpStatusCode.NoContent);

        var list = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{id}/steps"))!["items"]!.AsArray();
        list.Select(s => s!["step_order"]!.GetValue<int>()).Should().Equal(1, 2, 3);
        list.Select(s => Id(s!)).Should().Equal(Id(addedStep), ids[1], ids[2]);
        list[2]!["subject_line"]!.GetValue<string>().Should().Be("Third, edited");
        (await JsonAsync(await A.GetAsync($"/api/sequences/{id}")))["steps_count"]!.GetValue<int>().Should().Be(3);

        // The list shape every list endpoint has: paged, and q searches names and subjects.
        var second = await JsonAsync(await A.GetAsync($"/api/sequences/{id}/steps?page=2&page_size=2"));
        (second["total"]!.GetValue<int>(), second["page"]!.GetValue<int>(), second["page_size"]!.GetValue<int>()).Should().Be((3, 2, 2));
        second["items"]!.AsArray().Select(s => Id(s!)).Should().Equal(ids[2]);
        var found = await JsonAsync(await A.GetAsync($"/api/sequences/{id}/steps?q=EDITED"));
        found["items"]!.AsArray().Select(s => Id(s!)).Should().Equal(ids[2]);
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{id}/steps?page_size=0"), HttpStatusCode.BadRequest, "page_size");
    }

    [Fact]
    public async Task Reorder_applies_a_full_permutation_atomically()
    {
        var sequence = await CreateSequenceAsync(A, "Reorder", Email("1"), Email("2"), Email("3"));
        var id = Id(sequence);
        var ids = Steps(sequence).Select(s => Id(s!)).ToList();

        var response = await A.PostJsonAsync($"/api/sequences/{id}/steps/reorder", new { step_ids = new[] { ids[2], ids[0], ids[1] } });
        await ExpectAsync(response, HttpStatusCode.OK);

        var list = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{id}/steps"))!["items"]!.AsArray();
        list.Select(s => Id(s!)).Should().Equal(ids[2], ids[0], ids[1]);
        list.Select(s => s!["step_order"]!.GetValue<int>()).Should().Equal(1, 2, 3);
    }

    public static TheoryData<string, string> BadReorders => new()
    {
        { "missing", "step_ids" },
        { "extra", "step_ids[3]" },
        { "repeated", "step_ids[2]" },
        { "foreign", "step_ids[0]" },
        { "absent", "step_ids" },
    };

    [Theory]
    [MemberData(nameof(BadReorders))]
    public async Task Reorder_with_missing_extra_repeated_or_foreign_ids_is_400_and_changes_nothing(string kind, string field)
    {
        var sequence = await CreateSequenceAsync(A, "Reorder bad", Email("1"), Email("2"), Email("3"));
        var other = await CreateSequenceAsync(A, "Other", Email("x"));
        var id = Id(sequence);
        var ids = Steps(sequence).Select(s => Id(s!)).ToList();
        object body = kind switch
        {
            "missing" => new { step_ids = new[] { ids[1], ids[0] } },
            "extra" => new { step_ids = new[] { ids[1], ids[0], ids[2], Guid.NewGuid() } },
            "repeated" => new { step_ids = new[] { ids[1], ids[0], ids[0] } },
            "foreign" => new { step_ids = new[] { Id(Steps(other)[0]!), ids[0], ids[1] } },
            _ => new { },
        };

        await ExpectProblemAsync(await A.PostJsonAsync($"/api/sequences/{id}/steps/reorder", body), HttpStatusCode.BadRequest, field);

        var list = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{id}/steps"))!["items"]!.AsArray();
        list.Select(s => Id(s!)).Should().Equal(ids);
    }

    [Fact]
    public async Task Duplicate_copies_steps_with_new_ids_and_remapped_routes()
    {
        var sequence = await CreateSequenceAsync(A, "Original",
            new { id = Guid.Parse("00000000-0000-0000-0000-00000000000a"), step_type = "email", subject_line = "s", body_text = "b" },
            new { step_type = "condition", condition_type = "if_opened", delay_days = 1, condition_value = new { on_false = "00000000-0000-0000-0000-00000000000c" } },
            new { step_type = "email", subject_line = "s2", body_text = "b2" },
            new { id = Guid.Parse("00000000-0000-0000-0000-00000000000c"), step_type = "email", subject_line = "s3", body_text = "b3" });
        var originalIds = Steps(sequence).Select(s => Id(s!)).ToList();
        originalIds.Should().NotContain(Guid.Parse("00000000-0000-0000-0000-00000000000a"), "client ids are document-local and remapped");
        Steps(sequence)[1]!["condition_value"]!["on_false"]!.GetValue<string>().Should().Be(originalIds[3].ToString());

        var response = await A.PostAsync($"/api/sequences/{Id(sequence)}/duplicate", null);
        await ExpectAsync(response, HttpStatusCode.Created);
        var copy = await JsonAsync(response);
        copy["name"]!.GetValue<string>().Should().Be("Original (copy)");
        var copyIds = Steps(copy).Select(s => Id(s!)).ToList();
        copyIds.Should().HaveCount(4).And.NotIntersectWith(originalIds);
        Steps(copy)[1]!["condition_value"]!["on_false"]!.GetValue<string>().Should().Be(copyIds[3].ToString());
    }

    [Fact]
    public async Task Export_then_import_round_trips_positions_variants_and_routes()
    {
        var sequence = await CreateSequenceAsync(A, "Exported",
            new
            {
                step_type = "email", subject_line = "Default", body_text = "b", position_x = 120.5, position_y = 40,
                variants = new object[]
                {
                    new { variant = "A", subject_line = "Subject A", body_text = "a", weight = 70 },
                    new { variant = "B", subject_line = "Subject B", body_text = "b", weight = 30 },
                },
            },
            new { step_type = "condition", condition_type = "if_clicked", delay_days = 2, condition_value = new { on_true = "stop" } },
            new { step_type = "email", subject_line = "Follow", body_text = "f", same_thread = true },
            new { step_type = "delay", delay_days = 1, same_thread = true });
        Steps(sequence).Select(s => s!["same_thread"]!.GetValue<bool>()).Should().Equal([false, false, true, false], "only an email can reply in a thread");

        var export = JsonNode.Parse(await A.GetStringAsync($"/api/sequences/{Id(sequence)}/export"))!.AsObject();
        export["format_version"]!.GetValue<int>().Should().Be(1);

        var imported = await A.PostRawAsync("/api/sequences/import", export.ToJsonString());
        await ExpectAsync(imported, HttpStatusCode.Created);
        var copy = await JsonAsync(imported);
        imported.Headers.Location!.ToString().Should().Be($"/api/sequences/{Id(copy)}");
        Id(copy).Should().NotBe(Id(sequence));
        copy["name"]!.GetValue<string>().Should().Be("Exported (imported)", "beside its original it needs a name of its own");
        var first = Steps(copy)[0]!;
        first["position_x"]!.GetValue<double>().Should().Be(120.5);
        first["variants"]!.AsArray().Select(v => v!["subject_line"]!.GetValue<string>()).Should().Equal("Subject A", "Subject B");
        first["variants"]!.AsArray().Select(v => v!["weight"]!.GetValue<int>()).Should().Equal(70, 30);
        Steps(copy)[1]!["condition_value"]!["on_true"]!.GetValue<string>().Should().Be("stop");
        Steps(copy)[2]!["same_thread"]!.GetValue<bool>().Should().BeTrue();
        Steps(copy).Select(s => Id(s!)).Should().NotIntersectWith(Steps(sequence).Select(s => Id(s!)));

        var wrongVersion = export.DeepClone().AsObject();
        wrongVersion["format_version"] = 99;
        await ExpectProblemAsync(await A.PostRawAsync("/api/sequences/import", wrongVersion.ToJsonString()), HttpStatusCode.BadRequest, "format_version");
    }

    [Fact]
    public async Task A_step_may_name_only_a_template_of_its_own_workspace_and_an_import_drops_foreign_ones()
    {
        var ours = Id(await JsonAsync(await A.PostJsonAsync("/api/templates", new { name = $"Ours {Guid.NewGuid():N}", subject_line = "Hi", body_html = "<p>Hi</p>" })));
        var theirs = Id(await JsonAsync(await B.PostJsonAsync("/api/templates", new { name = $"Theirs {Guid.NewGuid():N}", subject_line = "Hi", body_html = "<p>Hi</p>" })));
        object Step(Guid template) => new { step_type = "email", subject_line = "Hi", body_html = "<p>Hi</p>", email_template_id = template };

        var sequence = await CreateSequenceAsync(A, "Templated", Step(ours));
        Steps(sequence)[0]!["email_template_id"]!.GetValue<string>().Should().Be(ours.ToString());
        await ExpectProblemAsync(await A.PostJsonAsync("/api/sequences", new { name = "Foreign", steps = new[] { Step(theirs) } }),
            HttpStatusCode.BadRequest, "steps[0].email_template_id");
        await ExpectProblemAsync(await A.PostJsonAsync("/api/sequences", new { name = "Made up", steps = new[] { Step(Guid.NewGuid()) } }),
            HttpStatusCode.BadRequest, "steps[0].email_template_id");
        var stepId = Id(Steps(sequence)[0]!);
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/sequences/{Id(sequence)}/steps/{stepId}", Step(theirs)), HttpStatusCode.BadRequest, "email_template_id");
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/sequences/{Id(sequence)}", new { name = "Templated", steps = new[] { Step(theirs) } }),
            HttpStatusCode.BadRequest, "steps[0].email_template_id");
        Steps(await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}")))[0]!["email_template_id"]!.GetValue<string>()
            .Should().Be(ours.ToString(), "refused edits change nothing");

        var export = await A.GetStringAsync($"/api/sequences/{Id(sequence)}/export");
        var imported = await B.PostRawAsync("/api/sequences/import", export);
        await ExpectAsync(imported, HttpStatusCode.Created);
        var copy = Steps(await JsonAsync(imported))[0]!;
        copy["email_template_id"].Should().BeNull("the other workspace's template means nothing here");
        copy["subject_line"]!.GetValue<string>().Should().Be("Hi", "the content stays");
    }

    [Fact]
    public async Task Validate_reports_graph_and_content_problems_with_step_ids()
    {
        var sequence = await CreateSequenceAsync(A, "Problems",
            new { step_type = "email", subject_line = "", body_html = "<p>{{ lead.first_name </p>" },
            new { step_type = "condition", condition_type = "if_opened" },
            new { step_type = "email", subject_line = "Hi {{ lead.nickname }}", body_text = "b" });
        var steps = Steps(sequence).Select(s => Id(s!)).ToList();

        var result = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/validate"));

        result["valid"]!.GetValue<bool>().Should().BeFalse();
        var errors = result["errors"]!.AsArray().Select(e => (e!["code"]!.GetValue<string>(), e["step_id"]?.GetValue<string>())).ToList();
        errors.Should().Contain(("empty_email", steps[0].ToString()));
        errors.Should().Contain(("template_syntax", steps[0].ToString()));
        var warnings = result["warnings"]!.AsArray().Select(e => (e!["code"]!.GetValue<string>(), e["step_id"]?.GetValue<string>())).ToList();
        warnings.Should().Contain(("unknown_variable", steps[2].ToString()));
        warnings.Should().Contain(("condition_without_wait", steps[1].ToString()));

        var empty = await CreateSequenceAsync(A, "Empty");
        var emptyResult = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(empty)}/validate"));
        emptyResult["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).Should().Contain("no_steps");
    }

    [Fact]
    public async Task Deleting_a_step_that_a_route_names_leaves_a_dangling_reference_reported_by_validate()
    {
        var sequence = await CreateSequenceAsync(A, "Dangling",
            Email(),
            new { step_type = "condition", condition_type = "if_opened", delay_days = 1, condition_value = new { on_false = "00000000-0000-0000-0000-000000000003" } },
            Email("x"),
            new { id = Guid.Parse("00000000-0000-0000-0000-000000000003"), step_type = "email", subject_line = "Last", body_text = "b" });
        var target = Id(Steps(sequence)[3]!);

        await ExpectAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}/steps/{target}"), HttpStatusCode.NoContent);

        var result = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/validate"));
        result["errors"]!.AsArray().Should().Contain(e => e!["code"]!.GetValue<string>() == "dangling_reference"
                                                           && e["step_id"]!.GetValue<string>() == Id(Steps(sequence)[1]!).ToString());
    }

    [Fact]
    public async Task Deleting_the_step_a_lead_is_on_moves_the_lead_to_the_next_step_and_logs_it()
    {
        var sequence = await CreateSequenceAsync(A, "Enrolled", Email("1"), Email("2"), Email("3"));
        var steps = Steps(sequence).Select(s => Id(s!)).ToList();
        var lead = Id(await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"on-step-{Guid.NewGuid():N}@example.com" })));
        var stateId = await App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            var state = new LeadSequenceState { LeadId = lead, SequenceId = Id(sequence), CurrentStepId = steps[1], CurrentStepOrder = 2, StartedAt = DateTime.UtcNow };
            db.LeadSequenceStates.Add(state);
            await db.SaveChangesAsync();
            return state.Id;
        });

        await ExpectAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}/steps/{steps[1]}"), HttpStatusCode.NoContent);

        var (moved, log) = await App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return (await db.LeadSequenceStates.SingleAsync(s => s.Id == stateId),
                    await db.ExecutionLog.Where(l => l.LeadId == lead).ToListAsync());
        });
        moved.CurrentStepId.Should().Be(steps[2]);
        moved.CurrentStepOrder.Should().Be(2);
        log.Should().ContainSingle(l => l.ActionType == "step_deleted" && l.StepId == steps[1]
                                        && l.Metadata["moved_to_step_id"] == steps[2].ToString());

        await ExpectProblemAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}"), HttpStatusCode.Conflict);
        await ExpectAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_answers_204_and_the_sequence_is_gone()
    {
        var sequence = await CreateSequenceAsync(A, "Doomed", Email());
        await ExpectAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}"), HttpStatusCode.NoContent);
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_401_problems()
    {
        var anonymous = App.CreateClient();
        await ExpectProblemAsync(await anonymous.GetAsync("/api/sequences"), HttpStatusCode.Unauthorized);
        var wrong = App.ClientFor("sk_not_a_real_key");
        await ExpectProblemAsync(await wrong.GetAsync("/api/sequences"), HttpStatusCode.Unauthorized);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSequencesApiTests(SqliteApp app) : SequencesApiTests(app), IClassFixture<SqliteApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSequencesApiTests(PostgresApp app) : SequencesApiTests(app), IClassFixture<PostgresApp>;
