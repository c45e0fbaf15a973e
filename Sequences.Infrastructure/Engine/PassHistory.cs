using System.Text.Json;
using Sequences.Core.Common;
using Sequences.Infrastructure.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace Sequences.Infrastructure.Engine;

/// <summary>The last scheduler pass, kept in the settings table so every host's queue health shows the same.</summary>
public sealed class PassHistory(IServiceScopeFactory scopes)
{
    private const string Key = "engine:last_pass";

    /// <summary>Keeps <paramref name="result"/> as the last pass of everyone (no tenant) or of one tenant.</summary>
    public async Task RecordAsync(PassResult result, Guid? tenantId, CancellationToken ct)
    {
        var key = tenantId is null ? Key : $"{Key}:{tenantId}";
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AppSettingsStore>();
        try
        {
            await store.SetAsync(key, JsonSerializer.Serialize(result, JsonDefaults.Options), ct);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Two passes finished at once and raced to create the row: the other one's figures stand.
        }
    }

    /// <summary>The latest pass that covered this tenant, with this tenant's figures only: its share of the
    /// scheduler's all-tenant pass (none when it had nothing due then), or its own process-queue call.</summary>
    public async Task<PassResult?> LastAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AppSettingsStore>();
        var all = Parse(await store.GetAsync(Key, ct));
        var own = Parse(await store.GetAsync($"{Key}:{tenantId}", ct));
        if (all is null || own?.StartedAt >= all.StartedAt) return own;
        return all with { Processed = 0, EmailsSent = 0, Failed = 0 };
    }

    private static PassResult? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<PassResult>(json, JsonDefaults.Options);
}
