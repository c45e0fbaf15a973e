using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Persistence;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>API keys are stored only as hashes, stop working the moment they are revoked, and show when they were
/// last used.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ApiKeyTests(SqliteEngineApp app) : IClassFixture<SqliteEngineApp>
{
    [Fact]
    public async Task A_key_is_stored_hashed_and_a_revoked_key_is_a_401_problem_at_once()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var (keys, admin, key, client) = await NewKeyAsync(scope, "revocable");

        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.ApiKeys.IgnoreQueryFilters().SingleAsync(k => k.Name == "revocable");
            stored.KeyHash.Should().Be(ApiKeyService.Hash(key)).And.NotContain(key);
            (await db.ApiKeys.IgnoreQueryFilters().AnyAsync(k => k.KeyHash == key || k.Name == key)).Should().BeFalse("the key itself is stored nowhere");
        }
        (await client.GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);

        var id = (await keys.ListAsync(admin.TenantId)).Single(k => k.Name == "revocable").Id;
        await keys.RevokeAsync(admin.TenantId, id);

        var refused = await client.GetAsync("/api/sequences");
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_key_shows_when_it_was_last_used_written_at_most_once_a_minute()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var (keys, admin, _, client) = await NewKeyAsync(scope, "integration");
        async Task<DateTime?> LastUsedAsync() => (await keys.ListAsync(admin.TenantId)).Single(k => k.Name == "integration").LastUsedAt;

        (await LastUsedAsync()).Should().BeNull("a new key has not been used");
        var first = app.Clock.GetUtcNow().UtcDateTime;
        (await client.GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().BeCloseTo(first, TimeSpan.FromMilliseconds(1));

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        (await client.GetAsync("/api/leads")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().BeCloseTo(first, TimeSpan.FromMilliseconds(1), "within a minute of the last write nothing is written");

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        (await client.GetAsync("/api/leads")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().BeCloseTo(first.AddSeconds(61), TimeSpan.FromMilliseconds(1));
    }

    /// <summary>A new key of tenant A's admin, and a client that sends it.</summary>
    private async Task<(ApiKeyService Keys, AppUser Admin, string Key, HttpClient Client)> NewKeyAsync(AsyncServiceScope scope, string name)
    {
        var admin = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(SequencesApp.AdminA))!;
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        var key = await keys.CreateAsync(admin.TenantId, admin.Id, name);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (keys, admin, key, client);
    }
}
