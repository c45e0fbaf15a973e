using Microsoft.EntityFrameworkCore;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>Claims due enrollments in batches with a lease, in one statement: PostgreSQL skips rows
/// another host holds (FOR UPDATE SKIP LOCKED); SQLite serialises writers, so its UPDATE is atomic too.</summary>
internal static class QueueClaimer
{
    public static async Task<List<Guid>> ClaimAsync(SequencesDbContext db, string owner, DateTime now, DateTime leaseUntil, int batchSize, Guid? tenantId, CancellationToken ct)
    {
        var tenantFilter = tenantId is null ? "" : "AND s.tenant_id = {5}";
        var lockClause = db.IsPostgres ? "FOR UPDATE OF s SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE lead_sequence_state SET lease_owner = {0}, lease_until = {1}
            WHERE id IN (
                SELECT s.id FROM lead_sequence_state s
                JOIN sequences q ON q.id = s.sequence_id
                WHERE s.status = 'active' AND q.status = 'active'
                  AND s.next_action_at IS NOT NULL AND s.next_action_at <= {2}
                  AND (s.lease_until IS NULL OR s.lease_until < {3})
                  {{tenantFilter}}
                ORDER BY s.next_action_at
                LIMIT {4}
                {{lockClause}})
            RETURNING id AS "Value"
            """;
        object[] args = tenantId is null
            ? [owner, leaseUntil, now, now, batchSize]
            : [owner, leaseUntil, now, now, batchSize, tenantId.Value];
        return await db.Database.SqlQueryRaw<Guid>(sql, args).ToListAsync(ct);
    }

    /// <summary>A message left "sending" by a host whose lease ran out may or may not have gone out:
    /// it becomes "unknown", never re-sent automatically (DESIGN: no duplicates).</summary>
    public static Task<int> ExpireSendingAsync(SequencesDbContext db, DateTime now, Guid? tenantId, CancellationToken ct)
    {
        var sending = db.OutboundMessages.IgnoreQueryFilters().Where(m => m.Status == Core.Mail.OutboundStatus.Sending && m.LeaseUntil < now);
        // Tenant first, so the lookup walks the (tenant_id, status, ...) index: every pass runs this, and the table
        // holds every mail ever sent.
        sending = tenantId is { } id
            ? sending.Where(m => m.TenantId == id)
            : sending.Where(m => db.Tenants.Select(t => t.Id).Contains(m.TenantId));
        return sending.ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, Core.Mail.OutboundStatus.Unknown).SetProperty(m => m.UpdatedAt, now), ct);
    }
}
