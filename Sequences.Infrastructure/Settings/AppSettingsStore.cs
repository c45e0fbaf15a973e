using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Settings;

/// <summary>Deployment-wide values in the database, so every host of one deployment shares them.</summary>
public sealed class AppSettingsStore(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public const string TrackingSigningKey = "tracking:signing_key";

    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AppSettings.Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
    }

    /// <summary>Reads the value, creating it once; when two hosts race, both end up with the first one stored.</summary>
    public async Task<string> GetOrCreateAsync(string key, Func<string> create, CancellationToken ct = default)
    {
        if (await GetAsync(key, ct) is { } existing) return existing;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.AppSettings.Add(new AppSetting { Key = key, Value = create(), UpdatedAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another host stored it first: theirs wins.
        }
        return await GetAsync(key, ct) ?? throw new InvalidOperationException($"Setting {key} could not be stored.");
    }

    public async Task SetAsync(string key, string value, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.AppSettings.FindAsync([key], ct);
        if (row is null) db.AppSettings.Add(new AppSetting { Key = key, Value = value, UpdatedAt = clock.GetUtcNow().UtcDateTime });
        else { row.Value = value; row.UpdatedAt = clock.GetUtcNow().UtcDateTime; }
        await db.SaveChangesAsync(ct);
    }

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
