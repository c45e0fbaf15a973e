using System.Net;
using System.Text.Json.Nodes;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

/// <summary>Every rejected write is a 4xx problem naming the field, and leaves what is stored unchanged.</summary>
public abstract class BadInputTests(SequencesApp app) : ApiTestBase(app)
{
    public static TheoryData<string, string> BadSteps => new()
    {
        { """{"step_type":"sms"}""", "step_type" },
        { """{"step_type":"condition","condition_type":"if_bored"}""", "condition_type" },
        { """{"step_type":"action","action_type":"launch_rocket"}""", "action_type" },
        { """{"step_type":"delay","delay_days":-1}""", "delay_days" },
        { """{"step_type":"delay","delay_hours":-5}""", "delay_hours" },
        { """{"step_type":"delay","delay_days":1.5}""", "delay_days" },
        { """{"step_type":"delay","delay_days":"two"}""", "delay_days" },
        { """{"step_type":"delay","delay_days":99999999}""", "delay_days" },
        { """{"step_type":"email","send_time":"25:00"}""", "send_time" },
        { """{"step_type":"email","send_time":"9am"}""", "send_time" },
        { """{"step_type":"email","email_template_id":"not-a-uuid"}""", "email_template_id" },
        { """{"step_type":"condition","condition_type":"if_opened","condition_value":{"skip_to":"00000000-0000-0000-0000-000000000001"}}""", "condition_value.skip_to" },
        { """{"step_type":"condition","condition_type":"if_opened","condition_value":{"on_true":"jump"}}""", "condition_value.on_true" },
        { """{"step_type":"condition","condition_type":"if_opened","condition_value":{"within_days":-2}}""", "condition_value.within_days" },
        { """{"step_type":"action","action_type":"webhook","action_config":{"url":"file:///etc/passwd"}}""", "action_config.url" },
        { """{"step_type":"action","action_type":"tag_lead","action_config":{}}""", "action_config.tag" },
        { """{"step_type":"email","variants":[{"variant":"A","weight":-1}]}""", "variants[0].weight" },
        { """{}""", "step_type" },
        { """{"step_type":"email",""", "body" },
        { """{"step_type":""", "body" }, // breaks off after a name: still the body's fault, not step_type's
        { """[1,2,3]""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadSteps))]
    public async Task Bad_step_input_is_rejected_naming_the_field_and_nothing_changes(string json, string field)
    {
        var sequence = await CreateSequenceAsync(A, "Bad steps", Email());
        var before = await A.GetStringAsync($"/api/sequences/{Id(sequence)}");

        await ExpectProblemAsync(await A.PostRawAsync($"/api/sequences/{Id(sequence)}/steps", json), HttpStatusCode.BadRequest, field);
        var stepId = Id(Steps(sequence)[0]!);
        var put = await A.PutAsync($"/api/sequences/{Id(sequence)}/steps/{stepId}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await ExpectProblemAsync(put, HttpStatusCode.BadRequest, field);

        (await A.GetStringAsync($"/api/sequences/{Id(sequence)}")).Should().Be(before);
    }

    [Fact]
    public async Task A_body_that_breaks_off_is_reported_as_bad_json_where_it_breaks_and_nothing_is_stored()
    {
        var before = await A.GetStringAsync("/api/leads");
        var problem = await ExpectProblemAsync(await A.PostRawAsync("/api/leads", """{"email":"""), HttpStatusCode.BadRequest, "body");

        problem["detail"]!.GetValue<string>().Should().Be("The body is not valid JSON: it breaks off or has a syntax error at line 1, position 10.");
        var wrongType = await ExpectProblemAsync(await A.PostRawAsync("/api/leads", """{"email":5}"""), HttpStatusCode.BadRequest, "email");
        wrongType["detail"]!.GetValue<string>().Should().Be("email has a value of the wrong type or format.");
        (await A.GetStringAsync("/api/leads")).Should().Be(before);
    }

    [Fact]
    public async Task Skip_to_into_another_sequence_is_rejected()
    {
        var other = await CreateSequenceAsync(A, "Other", Email());
        var sequence = await CreateSequenceAsync(A, "Mine", Email());
        var foreignStep = Id(Steps(other)[0]!);

        var response = await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/steps",
            new { step_type = "condition", condition_type = "if_opened", condition_value = new { skip_to = foreignStep } });

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "condition_value.skip_to");
        Steps(await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}"))).Should().HaveCount(1);
    }

    [Fact]
    public async Task Both_skip_to_and_on_false_is_rejected()
    {
        var sequence = await CreateSequenceAsync(A, "Both", Email(), Email("2"));
        var target = Id(Steps(sequence)[1]!);
        var response = await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/steps",
            new { step_type = "condition", condition_type = "if_opened", step_order = 2, condition_value = new { skip_to = target, on_false = "stop" } });
        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "condition_value.skip_to");
    }

    public static TheoryData<string, string> BadSequences => new()
    {
        { """{"name":""}""", "name" },
        { """{"description":"no name"}""", "name" },
        { """{"name":"x","settings":{"timezone":"Mars/Olympus"}}""", "settings.timezone" },
        { """{"name":"x","settings":{"timezone":"Eastern Standard Time"}}""", "settings.timezone" },
        { """{"name":"x","settings":{"send_window":{"start":"18:00","end":"09:00"}}}""", "settings.send_window.end" },
        { """{"name":"x","settings":{"send_window":{"start":"7","end":"09:00"}}}""", "settings.send_window.start" },
        { """{"name":"x","settings":{"on_send_failure":"explode"}}""", "settings.on_send_failure" },
        { """{"name":"x","steps":[{"step_type":"delay","delay_days":-3}]}""", "steps[0].delay_days" },
        { """{"name":"x","steps":[{"step_type":"email"},{"step_type":"condition","condition_type":"if_opened","condition_value":{"on_false":"00000000-0000-0000-0000-0000000000ff"}}]}""", "steps[1].condition_value.on_false" },
    };

    [Theory]
    [MemberData(nameof(BadSequences))]
    public async Task Bad_sequence_input_is_rejected_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var before = await JsonAsync(await A.GetAsync("/api/sequences?page_size=1"));
        await ExpectProblemAsync(await A.PostRawAsync("/api/sequences", json), HttpStatusCode.BadRequest, field);
        var after = await JsonAsync(await A.GetAsync("/api/sequences?page_size=1"));
        after["total"]!.GetValue<int>().Should().Be(before["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_rejected_put_leaves_the_sequence_and_its_steps_unchanged()
    {
        var sequence = await CreateSequenceAsync(A, "Keep me", Email("1"), Email("2"));
        var before = await A.GetStringAsync($"/api/sequences/{Id(sequence)}");

        var response = await A.PutJsonAsync($"/api/sequences/{Id(sequence)}", new
        {
            name = "Changed",
            steps = new object[] { Email("new"), new { step_type = "delay", delay_days = -1 } },
        });

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "steps[1].delay_days");
        (await A.GetStringAsync($"/api/sequences/{Id(sequence)}")).Should().Be(before);
    }

    public static TheoryData<string, string> BadLeads => new()
    {
        { """{"email":"not-an-email"}""", "email" },
        { """{"email":"a@b"}""", "email" },
        { """{"email":"a b@example.com"}""", "email" },
        { """{"name":"No email"}""", "email" },
        { """{"email":"tz@example.com","timezone":"Nowhere/Land"}""", "timezone" },
        { """{"email":"c@example.com","country":"Germany"}""", "country" },
        { """{"email":"t@example.com","tags":"vip"}""", "tags" },
        { """{"email":"c2@example.com","custom":{"bad key!":"x"}}""", "custom" },
    };

    [Theory]
    [MemberData(nameof(BadLeads))]
    public async Task Bad_lead_input_is_rejected_naming_the_field(string json, string field)
    {
        await ExpectProblemAsync(await A.PostRawAsync("/api/leads", json), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_duplicate_lead_email_is_a_409()
    {
        var email = $"dup-{Guid.NewGuid():N}@example.com";
        await ExpectAsync(await A.PostJsonAsync("/api/leads", new { email }), HttpStatusCode.Created);
        await ExpectProblemAsync(await A.PostJsonAsync("/api/leads", new { email = email.ToUpperInvariant() }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bodies_over_one_megabyte_are_413_saying_so()
    {
        var huge = $$"""{"name":"{{new string('x', 1_100_000)}}"}""";
        var problem = await ExpectProblemAsync(await A.PostRawAsync("/api/sequences", huge), HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().Should().Be("The request body is larger than 1 MB.");
    }

    [Fact]
    public async Task A_missing_body_or_a_malformed_query_value_is_a_400_in_the_clients_own_words()
    {
        var noBody = await ExpectProblemAsync(await A.PostAsync("/api/leads", new StringContent("", System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "body");
        noBody["detail"]!.GetValue<string>().Should().Be("The request needs a JSON body.");

        var lead = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"q-{Guid.NewGuid():N}@example.com" }));
        var badId = await ExpectProblemAsync(await A.GetAsync($"/api/leads/{Id(lead)}/explain?sequence_id=xyz"), HttpStatusCode.BadRequest, "sequence_id");
        badId["detail"]!.GetValue<string>().Should().Be("sequence_id 'xyz' is not a valid id.").And.NotContain("Nullable");
    }

    [Fact]
    public async Task A_preview_for_a_lead_of_another_workspace_is_a_400_on_lead_id()
    {
        var theirs = await JsonAsync(await B.PostJsonAsync("/api/leads", new { email = $"theirs-{Guid.NewGuid():N}@example.com", first_name = "Secret" }));

        var problem = await ExpectProblemAsync(await A.PostJsonAsync("/api/templates/preview",
            new { subject_line = "{{ lead.first_name }}", body_text = "x", lead_id = Id(theirs) }), HttpStatusCode.BadRequest, "lead_id");
        problem.ToJsonString().Should().NotContain("Secret");
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:00:00Z")]
    public async Task A_simulation_starting_outside_any_plausible_time_is_a_400_on_start_at(string startAt)
    {
        var sequence = await CreateSequenceAsync(A, "Simulated", Email());
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new { start_at = startAt }), HttpStatusCode.BadRequest, "start_at");
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        var missing = Guid.NewGuid();
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{missing}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{missing}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/campaigns/{missing}"), HttpStatusCode.NotFound);
        var sequence = await CreateSequenceAsync(A, "Has steps", Email());
        await ExpectProblemAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/steps/{missing}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Campaign_bad_references_are_400_naming_the_field()
    {
        await ExpectProblemAsync(await A.PostJsonAsync("/api/campaigns", new { name = "C", sequence_id = Guid.NewGuid() }), HttpStatusCode.BadRequest, "sequence_id");
        await ExpectProblemAsync(await A.PostJsonAsync("/api/campaigns", new { name = "" }), HttpStatusCode.BadRequest, "name");
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "C" }));
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = new[] { Guid.NewGuid() } }), HttpStatusCode.BadRequest, "lead_ids[0]");
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = Array.Empty<Guid>() }), HttpStatusCode.BadRequest, "lead_ids");
        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["lead_count"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task Nul_characters_which_postgresql_cannot_store_are_dropped_from_json_queries_and_csv()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var campaign = await A.PostRawAsync("/api/campaigns", $$"""{"name":"nul\u0000{{marker}}","description":"a\u0000b"}""");
        await ExpectAsync(campaign, HttpStatusCode.Created);
        var created = await JsonAsync(campaign);
        (created["name"]!.GetValue<string>(), created["description"]!.GetValue<string>()).Should().Be(($"nul{marker}", "ab"));

        var lead = await A.PostRawAsync("/api/leads", $$$"""{"email":"nul-{{{marker}}}@example.com","first_name":"Ada\u0000","custom":{"pl\u0000an":"pro\u0000"}}""");
        await ExpectAsync(lead, HttpStatusCode.Created);
        var stored = await JsonAsync(lead);
        stored["first_name"]!.GetValue<string>().Should().Be("Ada");
        stored["custom"]!["plan"]!.GetValue<string>().Should().Be("pro");

        var found = await A.GetAsync($"/api/leads?q=nul-%00{marker}");
        await ExpectAsync(found, HttpStatusCode.OK);
        (await JsonAsync(found))["total"]!.GetValue<int>().Should().Be(1);

        var import = await JsonAsync(await A.PostCsvAsync("/api/leads/import", $"email,company\ncsv-{marker}@example.com,Ac\0me\n"));
        import["imported"]!.GetValue<int>().Should().Be(1, import.ToJsonString());
        var imported = await JsonAsync(await A.GetAsync($"/api/leads?q=csv-{marker}"));
        imported["items"]![0]!["company"]!.GetValue<string>().Should().Be("Acme");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteBadInputTests(SqliteApp app) : BadInputTests(app), IClassFixture<SqliteApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresBadInputTests(PostgresApp app) : BadInputTests(app), IClassFixture<PostgresApp>;
