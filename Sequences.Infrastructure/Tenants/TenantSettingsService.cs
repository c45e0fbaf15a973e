using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Tenants;

public sealed record TenantSettings(string Name, string? DefaultTimezone);

/// <summary>The current tenant's defaults. Tenants are not tenant-owned rows, so every query names the tenant explicitly.</summary>
public sealed class TenantSettingsService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant)
{
    public async Task<TenantSettings> GetAsync(CancellationToken ct = default)
    {
        var id = Require();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => new TenantSettings(t.Name, t.DefaultTimezone)).FirstOrDefaultAsync(ct)
               ?? throw new NotFoundException("Tenant", id);
    }

    /// <summary>The zone for leads whose own and whose sequence's zone are not set; null means UTC.</summary>
    public async Task SetDefaultTimezoneAsync(string? timezone, CancellationToken ct = default)
    {
        var zone = string.IsNullOrWhiteSpace(timezone) ? null : timezone.Trim();
        if (zone is not null && !TimeZones.IsIana(zone))
            throw new InputRejectedException("default_timezone", "invalid_timezone", $"'{zone}' is not an IANA time zone (e.g. Europe/Berlin).");
        var id = Require();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Tenant", id);
        row.DefaultTimezone = zone;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The key webhook receivers check <c>X-Sequences-Signature</c> with (HMAC-SHA256 of the body).</summary>
    public async Task<string> GetWebhookSecretAsync(CancellationToken ct = default)
    {
        var id = Require();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => t.WebhookSecret).FirstOrDefaultAsync(ct)
               ?? throw new NotFoundException("Tenant", id);
    }

    /// <summary>A new secret, for when the old one leaked; webhooks from the next queue pass on are signed with it.</summary>
    public async Task<string> RotateWebhookSecretAsync(CancellationToken ct = default)
    {
        var id = Require();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Tenant", id);
        row.WebhookSecret = Tenant.NewWebhookSecret();
        await db.SaveChangesAsync(ct);
        return row.WebhookSecret;
    }

    private Guid Require() => tenant.TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");
}
