using System.Net;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

/// <summary>Another tenant's ids are invisible: 404 on every verb in the path, 400 naming the field in a body.</summary>
public abstract class TenantIsolationTests(SequencesApp app) : ApiTestBase(app)
{
    [Fact]
    public async Task Every_endpoint_answers_404_for_another_tenants_ids_and_changes_nothing()
    {
        var sequence = await CreateSequenceAsync(A, "Tenant A only", Email("1"), Email("2"));
        var sid = Id(sequence);
        var stepIds = Steps(sequence).Select(s => Id(s!)).ToList();
        var lead = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"a-{Guid.NewGuid():N}@example.com" }));
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "A campaign" }));
        var before = await A.GetStringAsync($"/api/sequences/{sid}");

        var calls = new (string Name, Func<Task<HttpResponseMessage>> Call)[]
        {
            ("get sequence", () => B.GetAsync($"/api/sequences/{sid}")),
            ("put sequence", () => B.PutJsonAsync($"/api/sequences/{sid}", new { name = "stolen" })),
            ("delete sequence", () => B.DeleteAsync($"/api/sequences/{sid}")),
            ("duplicate", () => B.PostAsync($"/api/sequences/{sid}/duplicate", null)),
            ("validate", () => B.GetAsync($"/api/sequences/{sid}/validate")),
            ("export", () => B.GetAsync($"/api/sequences/{sid}/export")),
            ("list steps", () => B.GetAsync($"/api/sequences/{sid}/steps")),
            ("add step", () => B.PostJsonAsync($"/api/sequences/{sid}/steps", new { step_type = "delay", delay_days = 1 })),
            ("get step", () => B.GetAsync($"/api/sequences/{sid}/steps/{stepIds[0]}")),
            ("put step", () => B.PutJsonAsync($"/api/sequences/{sid}/steps/{stepIds[0]}", new { step_type = "delay" })),
            ("delete step", () => B.DeleteAsync($"/api/sequences/{sid}/steps/{stepIds[0]}")),
            ("reorder", () => B.PostJsonAsync($"/api/sequences/{sid}/steps/reorder", new { step_ids = new[] { stepIds[1], stepIds[0] } })),
            ("get lead", () => B.GetAsync($"/api/leads/{Id(lead)}")),
            ("put lead", () => B.PutJsonAsync($"/api/leads/{Id(lead)}", new { email = $"b-{Guid.NewGuid():N}@example.com" })),
            ("get campaign", () => B.GetAsync($"/api/campaigns/{Id(campaign)}")),
            ("add campaign leads", () => B.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = new[] { Id(lead) } })),
        };
        foreach (var (name, call) in calls)
        {
            var response = await call();
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, name);
        }

        (await A.GetStringAsync($"/api/sequences/{sid}")).Should().Be(before);
        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["lead_count"]!.GetValue<int>().Should().Be(0);
        Canonical(await JsonAsync(await A.GetAsync($"/api/leads/{Id(lead)}"))).Should().Be(Canonical(lead));
    }

    [Fact]
    public async Task Lists_show_only_the_callers_tenant()
    {
        var marker = $"iso-{Guid.NewGuid():N}"[..16];
        await CreateSequenceAsync(A, marker);
        await A.PostJsonAsync("/api/leads", new { email = $"{marker}@example.com" });
        await A.PostJsonAsync("/api/campaigns", new { name = marker });

        foreach (var list in new[] { "sequences", "leads", "campaigns" })
        {
            (await JsonAsync(await A.GetAsync($"/api/{list}?q={marker}")))["total"]!.GetValue<int>().Should().Be(1, list);
            (await JsonAsync(await B.GetAsync($"/api/{list}?q={marker}")))["total"]!.GetValue<int>().Should().Be(0, list);
        }
    }

    [Fact]
    public async Task Another_tenants_ids_in_a_body_are_400_naming_the_field()
    {
        var sequenceOfA = await CreateSequenceAsync(A, "A's", Email());
        var leadOfA = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"x-{Guid.NewGuid():N}@example.com" }));

        await ExpectProblemAsync(await B.PostJsonAsync("/api/campaigns", new { name = "B", sequence_id = Id(sequenceOfA) }), HttpStatusCode.BadRequest, "sequence_id");
        var campaignOfB = await JsonAsync(await B.PostJsonAsync("/api/campaigns", new { name = "B" }));
        await ExpectProblemAsync(await B.PostJsonAsync($"/api/campaigns/{Id(campaignOfB)}/leads", new { lead_ids = new[] { Id(leadOfA) } }), HttpStatusCode.BadRequest, "lead_ids[0]");
        var sequenceOfB = await CreateSequenceAsync(B, "B's", Email());
        await ExpectProblemAsync(await B.PostJsonAsync($"/api/sequences/{Id(sequenceOfB)}/steps",
                new { step_type = "condition", condition_type = "if_opened", condition_value = new { skip_to = Id(Steps(sequenceOfA)[0]!) } }),
            HttpStatusCode.BadRequest, "condition_value.skip_to");
    }

    [Fact]
    public async Task The_same_lead_email_may_exist_in_two_tenants()
    {
        var email = $"shared-{Guid.NewGuid():N}@example.com";
        await ExpectAsync(await A.PostJsonAsync("/api/leads", new { email }), HttpStatusCode.Created);
        await ExpectAsync(await B.PostJsonAsync("/api/leads", new { email }), HttpStatusCode.Created);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTenantIsolationTests(SqliteApp app) : TenantIsolationTests(app), IClassFixture<SqliteApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTenantIsolationTests(PostgresApp app) : TenantIsolationTests(app), IClassFixture<PostgresApp>;
