using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Settings;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Hosting;

public abstract class HostTests(SequencesApp app) : ApiTestBase(app)
{
    [Fact]
    public async Task Health_answers_200_when_the_database_is_reachable()
    {
        var response = await App.CreateClient().GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_in_snake_case()
    {
        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain(["/api/sequences", "/api/sequences/{id}", "/api/sequences/{id}/steps/reorder",
            "/api/sequences/import", "/api/sequences/{id}/export", "/api/leads", "/api/campaigns/{id}/leads"]);
        document["components"]!["schemas"]!["StepInput"]!["properties"]!.AsObject().Select(p => p.Key)
            .Should().Contain(["step_type", "delay_days", "condition_value", "send_time"]);
        (await App.CreateClient().GetAsync("/api/docs/")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_openapi_document_names_the_query_parameters_and_bodies_endpoints_read_themselves()
    {
        var document = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        List<string> Query(string path, string method) =>
            (document["paths"]![path]![method]!["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query")
            .Select(p => p!["name"]!.GetValue<string>()).ToList();

        foreach (var list in new[] { "/api/leads", "/api/sequences", "/api/campaigns", "/api/templates", "/api/suppressions", "/api/sequences/{id}/steps" })
            Query(list, "get").Should().Contain(["page", "page_size", "q"], list);
        Query("/api/sequences", "get").Should().Contain(["status", "user_id"]);
        Query("/api/leads/export", "get").Should().Contain(["q", "status", "tag", "campaign_id", "sequence_id"]);
        Query("/api/leads/{id}", "delete").Should().Equal("suppress");
        Query("/api/sequences/{id}/analytics", "get").Should().Contain(["campaign_id", "version", "from", "to"]);
        Query("/api/leads/import", "post").Should().Equal("update_existing");
        document["paths"]!["/api/leads/import"]!["post"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key)
            .Should().Equal("text/csv", "multipart/form-data");
        Query("/api/leads/{id}", "get").Should().BeEmpty("a single resource is no list");
    }

    [Fact]
    public async Task A_tracking_signing_key_is_generated_once_and_kept_in_the_database()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var settings = scope.ServiceProvider.GetRequiredService<AppSettingsStore>();
        var key = await settings.GetAsync(AppSettingsStore.TrackingSigningKey);
        key.Should().NotBeNullOrEmpty();
        Convert.FromBase64String(key!).Should().HaveCount(32);
        (await settings.GetOrCreateAsync(AppSettingsStore.TrackingSigningKey, () => "other")).Should().Be(key, "the first stored key wins");
    }

    [Fact]
    public async Task Pages_need_a_login_and_the_login_page_is_served()
    {
        var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var sequences = await client.GetAsync("/sequences");
        sequences.StatusCode.Should().Be(HttpStatusCode.Redirect);
        sequences.Headers.Location!.ToString().Should().Contain("/login");
        var login = await client.GetStringAsync("/login");
        login.Should().Contain("data-testid=\"login-email\"").And.Contain("data-testid=\"login-submit\"");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteHostTests(SqliteApp app) : HostTests(app), IClassFixture<SqliteApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresHostTests(PostgresApp app) : HostTests(app), IClassFixture<PostgresApp>;
