using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Observability;

public sealed record QueueSnapshot(int Due, double LagSeconds);

/// <summary>What is due over every tenant and how late the oldest of it is: for /health and the queue gauges.
/// The per-tenant view with more detail is the engine's QueueHealth.</summary>
public sealed class QueueProbe(IServiceScopeFactory scopes, SequencesMetrics metrics, TimeProvider clock)
{
    public async Task<QueueSnapshot> MeasureAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetAllTenants();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Every tenant: the EF tenant filter is bypassed, and PostgreSQL's row-level security lets an all-tenants context through.
        var due = db.LeadSequenceStates.IgnoreQueryFilters().Where(s => s.Status == EnrollmentStatus.Active && s.NextActionAt != null && s.NextActionAt <= now)
            .Join(db.Sequences.IgnoreQueryFilters().Where(q => q.Status == SequenceStatus.Active), s => s.SequenceId, q => q.Id, (s, q) => s);
        var count = await due.CountAsync(ct);
        var oldest = count == 0 ? null : await due.MinAsync(s => s.NextActionAt, ct);
        var snapshot = new QueueSnapshot(count, oldest is { } o ? Math.Round((now - o).TotalSeconds, 1) : 0);
        metrics.QueueMeasured(snapshot.Due, snapshot.LagSeconds);
        return snapshot;
    }
}
