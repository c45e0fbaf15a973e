using System.Net;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Hosting;

/// <summary>First start on an empty database with nothing configured: a demo tenant, its data and a printed login.</summary>
public sealed class DemoApp : SqliteApp
{
    protected override bool BootstrapTenants => false;

    public (string Email, string Password, string ApiKey) DemoLogin => DemoLogins.From(Logs);
}

/// <summary>The same first start on PostgreSQL, where the demo's rows are written under row-level security.</summary>
public sealed class PostgresDemoApp : PostgresApp
{
    protected override bool BootstrapTenants => false;
}

public static class DemoLogins
{
    /// <summary>The login the first start printed, read from its structured log entry.</summary>
    public static (string Email, string Password, string ApiKey) From(LogCapture logs)
    {
        var entry = logs.Entries.Single(e => e.State.ContainsKey("DemoPassword"));
        return ((string)entry.State["DemoEmail"]!, (string)entry.State["DemoPassword"]!, (string)entry.State["DemoApiKey"]!);
    }
}

/// <summary>What the printed demo key sees, on either provider: one valid sequence with the campaign's five leads
/// enrolled.</summary>
public abstract class DemoDataTests(SequencesApp app)
{
    [Fact]
    public async Task The_printed_demo_key_sees_the_demo_sequence_and_its_enrolled_leads()
    {
        var (email, password, apiKey) = DemoLogins.From(app.Logs);
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
}

[Collection(SqliteCollection.Name)]
public sealed class DemoTenantTests(DemoApp app) : DemoDataTests(app), IClassFixture<DemoApp>
{
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

/// <summary>On PostgreSQL the demo's rows are written under row-level security.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDemoTenantTests(PostgresDemoApp app) : DemoDataTests(app), IClassFixture<PostgresDemoApp>;
