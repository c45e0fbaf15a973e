using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <param name="Retrying">Messages waiting out a back-off after a 4xx or a relay that could not be reached.</param>
/// <param name="NextRetryAt">When the earliest of them is tried again.</param>
public sealed record QueueStatus(
    int Due, int Scheduled, int InFlight, DateTime? OldestDueAt, double LagSeconds, int Unknown, int FailedLastHour, PassResult? LastPass,
    int Retrying = 0, DateTime? NextRetryAt = null);

/// <summary>How the queue of the current tenant is doing: what is due, how late, what went wrong.</summary>
public sealed class QueueHealth(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, PassHistory history, TimeProvider clock)
{
    public async Task<QueueStatus> StatusAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var live = db.LeadSequenceStates.Where(s => s.Status == EnrollmentStatus.Active && s.NextActionAt != null)
            .Join(db.Sequences.Where(q => q.Status == SequenceStatus.Active), s => s.SequenceId, q => q.Id, (s, q) => s);
        var due = await live.CountAsync(s => s.NextActionAt <= now, ct);
        var scheduled = await live.CountAsync(s => s.NextActionAt > now, ct);
        var inFlight = await db.LeadSequenceStates.CountAsync(s => s.LeaseUntil != null && s.LeaseUntil > now, ct);
        var oldest = await live.Where(s => s.NextActionAt <= now).MinAsync(s => s.NextActionAt, ct);
        var unknown = await db.OutboundMessages.CountAsync(m => m.Status == OutboundStatus.Unknown, ct);
        var hourAgo = now.AddHours(-1);
        var failed = await db.OutboundMessages.CountAsync(m => m.Status == OutboundStatus.Failed && m.UpdatedAt >= hourAgo, ct);
        // A relay outage shows here rather than as failures: the messages are queued again with a retry time.
        var retrying = db.OutboundMessages.Where(m => m.Status == OutboundStatus.Queued && m.NextAttemptAt != null);
        var retryCount = await retrying.CountAsync(ct);
        var nextRetry = retryCount == 0 ? null : await retrying.MinAsync(m => m.NextAttemptAt, ct);
        var last = tenant.TenantId is { } t ? await history.LastAsync(t, ct) : null;
        return new QueueStatus(due, scheduled, inFlight, oldest, oldest is { } o ? Math.Round((now - o).TotalSeconds, 1) : 0, unknown, failed, last,
            retryCount, nextRetry);
    }
}
