using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Identity;

public sealed record ApiKeyOwner(Guid TenantId, Guid UserId, Guid KeyId);

/// <summary>Issues and checks API keys; only SHA-256 hashes are stored, so a leaked table leaks no key.</summary>
public sealed class ApiKeyService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, ILogger<ApiKeyService> logger)
{
    /// <summary>How fresh "last used" is: every API call checks its key, and writing the time on each would turn a busy
    /// integration's every read into a write.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static string NewKey() => "sk_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    /// <summary>Stores <paramref name="key"/> (or a new one) for the user and returns the plain key, shown once.</summary>
    public async Task<string> CreateAsync(Guid tenantId, Guid userId, string name, string? key = null, CancellationToken ct = default)
    {
        key ??= NewKey();
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ApiKeys.Add(new ApiKey
        {
            TenantId = tenantId,
            UserId = userId,
            Name = name,
            KeyHash = Hash(key),
            Prefix = key[..Math.Min(8, key.Length)],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>The tenant's keys, newest first; API keys are not tenant-filtered rows, so the tenant is explicit.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(Guid tenantId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>A revoked key stops working at once and stays listed, so it is clear which key it was.</summary>
    public async Task RevokeAsync(Guid tenantId, Guid keyId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId == tenantId, ct)
                  ?? throw new global::Sequences.Core.Common.NotFoundException("API key", keyId);
        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct = default)
    {
        var hash = Hash(key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, ct);
    }

    public async Task<ApiKeyOwner?> FindOwnerAsync(string key, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200) return null;
        var hash = Hash(key);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await db.ApiKeys.AsNoTracking()
            // A deactivated teammate's keys stop with their sign-in, and work again if they are reactivated.
            .Where(k => k.KeyHash == hash && k.RevokedAt == null && db.Users.Any(u => u.Id == k.UserId && u.DeactivatedAt == null))
            .Select(k => new { Owner = new ApiKeyOwner(k.TenantId, k.UserId, k.Id), k.LastUsedAt })
            .FirstOrDefaultAsync(ct);
        if (found is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (found.LastUsedAt is not { } last || now - last >= LastUsedResolution) await MarkUsedAsync(db, found.Owner.KeyId, now, ct);
        return found.Owner;
    }

    /// <summary>Bookkeeping only: a write that fails (a busy database) must not fail the call the key is for.</summary>
    private async Task MarkUsedAsync(SequencesDbContext db, Guid keyId, DateTime now, CancellationToken ct)
    {
        var stale = now - LastUsedResolution;
        try
        {
            // Conditional, so that concurrent calls with one key write it once.
            await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt <= stale))
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        }
        catch (DbException e)
        {
            logger.LogWarning(e, "Could not record the use of API key {KeyId}", keyId);
        }
    }
}
