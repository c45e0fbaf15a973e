using System.Net;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Hosting;

/// <summary>First start on an empty database with nothing configured: a demo tenant, its data and a printed login.</summary>
public sealed class DemoApp : SqliteApp
{
    protected override bool BootstrapTenants => false;

    public (string Email, string Password, string ApiKey) DemoLogin
    {
        get
        {
            var entry = Logs.Entries.Single(e => e.State.ContainsKey("DemoPassword"));
            return ((string)entry.State["DemoEmail"]!, (string)entry.State["DemoPassword"]!, (string)entry.State["DemoApiKey"]!);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DemoTenantTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task The_printed_demo_key_sees_the_demo_sequence_and_leads()
    {
        var (email, password, apiKey) = app.DemoLogin;
        email.Should().Be("demo@sequences.local");
        password.Length.Should().BeGreaterThanOrEqualTo(10);

        var client = app.ClientFor(apiKey);
        var sequences = await (await client.GetAsync("/api/sequences")).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        sequences["total"]!.GetValue<int>().Should().Be(1);
        var leads = await (await client.GetAsync("/api/leads")).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        leads["total"]!.GetValue<int>().Should().Be(5);
        var campaigns = await (await client.GetAsync("/api/campaigns")).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        campaigns["items"]![0]!["lead_count"]!.GetValue<int>().Should().Be(5);

        sequences["items"]![0]!["enrolled"]!.GetValue<int>().Should().Be(5, "the demo campaign's leads are enrolled, so starting the demo mails them");
        var sequenceId = sequences["items"]![0]!["id"]!.GetValue<string>();
        var validation = await (await client.GetAsync($"/api/sequences/{sequenceId}/validate")).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        validation["valid"]!.GetValue<bool>().Should().BeTrue("the demo sequence can be started as shipped: " + validation.ToJsonString());
    }

    [Fact]
    public async Task The_demo_tenant_is_created_once()
    {
        await using var again = new DemoAgain(app.DataDir);
        await again.InitializeAsync();
        again.Logs.Entries.Should().NotContain(e => e.State.ContainsKey("DemoPassword"), "a second start finds the tenant and prints nothing new");
        (await again.ClientFor(app.DemoLogin.ApiKey).GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>A second host on the same database file: a restart.</summary>
    private sealed class DemoAgain(string dataDir) : SqliteApp
    {
        protected override bool BootstrapTenants => false;
        protected override string DatabaseFile => Path.Combine(dataDir, "sequences.db");
    }
}
