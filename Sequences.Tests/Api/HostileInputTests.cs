using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

/// <summary>
/// Over 500 generated hostile requests across every API endpoint: no 500, every 4xx an RFC 9457 problem detail,
/// another tenant's ids in a path never reach its rows, and a rejected request leaves the database exactly as it was
/// (SQLite's data_version, read on a connection of the test's own, changes with any commit by anyone else).
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class HostileInputTests(SqliteApp app) : ApiTestBase(app), IClassFixture<SqliteApp>
{
    private async Task<TenantIds> SeedAsync(HttpClient client, string tag)
    {
        var sequence = await CreateSequenceAsync(client, $"Hostile {tag}", Email("1"), Email("2"));
        var lead = await JsonAsync(await client.PostJsonAsync("/api/leads", new { email = $"{tag}-{Guid.NewGuid():N}@example.com", first_name = "Ada" }));
        var campaign = await JsonAsync(await client.PostJsonAsync("/api/campaigns", new { name = $"Campaign {tag}" }));
        var template = await client.PostJsonAsync("/api/templates", new { name = $"Template {tag}", subject_line = "Hi", body_html = "<p>Hi</p>" });
        await ExpectAsync(template, HttpStatusCode.Created);
        var suppression = await client.PostJsonAsync("/api/suppressions", new { email = $"{tag}-{Guid.NewGuid():N}@example.com" });
        await ExpectAsync(suppression, HttpStatusCode.Created);
        return new TenantIds(Id(sequence), Id(Steps(sequence)[0]!), Id(lead), Id(campaign), Id(await JsonAsync(template)), Id(await JsonAsync(suppression)));
    }

    private static long DataVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Hundreds_of_hostile_requests_on_every_endpoint_get_problem_details_and_change_nothing_when_rejected()
    {
        var own = await SeedAsync(A, "a");
        var other = await SeedAsync(B, "b");
        var routes = HostileInputRequests.Routes(App.Services.GetRequiredService<EndpointDataSource>());
        routes.Should().HaveCountGreaterThan(40, "every API endpoint is enumerated");
        // Destructive calls on the caller's own rows would only shrink what later requests can reach.
        var requests = routes.SelectMany(r => HostileInputRequests.For(r, own, other))
            .Where(r => !(r.Method == "DELETE" && !r.OtherTenantsIds && !r.Description.StartsWith("malformed")))
            .ToList();
        requests.Should().HaveCountGreaterThan(500);
        var otherBefore = await SnapshotAsync(B, other);

        await using var probe = new SqliteConnection($"Data Source={Path.Combine(App.DataDir, "sequences.db")}");
        await probe.OpenAsync();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var request in requests)
        {
            var before = DataVersion(probe);
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path) { Content = request.Body };
            using var response = await A.SendAsync(message);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500) failures.Add($"{status} on {request}: {body[..Math.Min(300, body.Length)]}");
            else if (status >= 400)
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{status} without a problem detail ({response.Content.Headers.ContentType}) on {request}");
                if (DataVersion(probe) != before) failures.Add($"{status} on {request}, but the database changed");
            }
            if (request.OtherTenantsIds && status is not (404 or 400 or 413 or 415))
                failures.Add($"{status} for another tenant's ids on {request}");
            if (request.OtherTenantsIds && request.Body is null && status != 404)
                failures.Add($"{status} (not 404) for another tenant's ids on {request}");
        }

        failures.Should().BeEmpty($"{requests.Count} requests, statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"))}");
        (await SnapshotAsync(B, other)).Should().Be(otherBefore, "tenant B's rows are untouched by anything tenant A sent");
    }

    /// <summary>What tenant B sees of its own rows.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client, TenantIds ids) => string.Join("\n",
        await client.GetStringAsync($"/api/sequences/{ids.Sequence}"),
        await client.GetStringAsync($"/api/leads/{ids.Lead}"),
        await client.GetStringAsync($"/api/campaigns/{ids.Campaign}"),
        await client.GetStringAsync($"/api/templates/{ids.Template}"),
        await client.GetStringAsync("/api/suppressions"));
}
