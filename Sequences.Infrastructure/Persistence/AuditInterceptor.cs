using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Sequences.Core.Common;

namespace Sequences.Infrastructure.Persistence;

/// <summary>Stamps created/updated times and the tenant of new rows, so no caller has to.</summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        // PostgreSQL keeps microseconds: store what a later read returns, so a create's answer matches a GET.
        now = now.AddTicks(-(now.Ticks % 10));
        var tenant = (context as SequencesDbContext)?.Tenant.TenantId;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Added && entry.Entity is ITenantOwned owned && owned.TenantId == Guid.Empty)
                owned.TenantId = tenant ?? throw new InvalidOperationException($"A new {entry.Entity.GetType().Name} has no tenant.");
            if (entry.Entity is not IAuditable audited) continue;
            if (entry.State == EntityState.Added)
            {
                if (audited.CreatedAt == default) audited.CreatedAt = now;
                audited.UpdatedAt = now;
            }
            else if (entry.State == EntityState.Modified)
            {
                // Through the entry, so the change counts even when the caller has detected changes already and
                // turned automatic detection off for the save (the engine's commits do).
                entry.Property(nameof(IAuditable.UpdatedAt)).CurrentValue = now;
            }
        }
    }
}
