using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

/// <param name="Held">Leads left alone because a pass was working on them.</param>
public sealed record EraseResult(int Erased, int Held);

/// <summary>
/// Erases leads and everything stored about them: enrollments, campaign memberships, messages, engagement events,
/// execution log and notifications (a data subject's erasure; analytics lose their sends too). With suppress, their
/// addresses stay on the suppression list, so they are never mailed again. A lead a pass holds right now is left
/// alone and counted as held. Each chunk of leads is one transaction (ADR 9).
/// </summary>
public sealed class LeadEraser(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public const int ChunkSize = 200;

    /// <summary>One lead: 404 when it does not exist (or is another tenant's), 409 when a pass holds it.</summary>
    public async Task DeleteAsync(Guid id, bool suppress, CancellationToken ct = default)
    {
        var result = await EraseAsync([id], suppress, ct: ct);
        if (result.Held > 0) throw new ConflictException("The scheduler is working on this lead right now; try again in a moment.");
        if (result.Erased == 0) throw new NotFoundException("Lead", id);
    }

    /// <param name="progress">Called after each chunk with how many of <paramref name="ids"/> were handled.</param>
    public async Task<EraseResult> EraseAsync(IReadOnlyCollection<Guid> ids, bool suppress, Func<int, Task>? progress = null, CancellationToken ct = default)
    {
        var (erased, held, done) = (0, 0, 0);
        foreach (var chunk in ids.Distinct().Chunk(ChunkSize))
        {
            var result = await EraseChunkAsync(chunk, suppress, ct);
            (erased, held, done) = (erased + result.Erased, held + result.Held, done + chunk.Length);
            if (progress is not null) await progress(done);
        }
        return new EraseResult(erased, held);
    }

    private async Task<EraseResult> EraseChunkAsync(Guid[] ids, bool suppress, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var leads = await db.Leads.Where(l => ids.Contains(l.Id)).Select(l => new { l.Id, l.Email, l.TenantId }).ToListAsync(ct);
            var held = (await db.LeadSequenceStates.Where(s => ids.Contains(s.LeadId) && s.LeaseUntil > now).Select(s => s.LeadId).ToListAsync(ct))
                .Concat(await db.OutboundMessages.Where(m => ids.Contains(m.LeadId) && m.Status == OutboundStatus.Sending && m.LeaseUntil > now)
                    .Select(m => m.LeadId).ToListAsync(ct))
                .ToHashSet();
            var targets = leads.Where(l => !held.Contains(l.Id)).ToList();
            var targetIds = targets.Select(l => l.Id).ToList();
            if (targetIds.Count > 0)
            {
                // Enrollments first, and only those no pass holds. A pass that claimed one since the check above keeps
                // it: this chunk is rolled back and read again, and that lead then counts as held.
                await db.LeadSequenceStates.Where(s => targetIds.Contains(s.LeadId) && (s.LeaseUntil == null || s.LeaseUntil <= now)).ExecuteDeleteAsync(ct);
                if (await db.LeadSequenceStates.AnyAsync(s => targetIds.Contains(s.LeadId), ct))
                {
                    if (attempt < 3) continue;
                    throw new ConflictException("The scheduler kept claiming these leads; try again in a moment.");
                }
                await db.CampaignLeads.Where(c => targetIds.Contains(c.LeadId)).ExecuteDeleteAsync(ct);
                await db.EngagementEvents.Where(e => targetIds.Contains(e.LeadId)).ExecuteDeleteAsync(ct);
                await db.OutboundMessages.Where(m => targetIds.Contains(m.LeadId)).ExecuteDeleteAsync(ct);
                await db.ExecutionLog.Where(l => targetIds.Contains(l.LeadId)).ExecuteDeleteAsync(ct);
                await db.Notifications.Where(n => n.LeadId != null && targetIds.Contains(n.LeadId.Value)).ExecuteDeleteAsync(ct);
                if (suppress)
                {
                    var emails = targets.Select(t => t.Email).ToList();
                    var listed = (await db.Suppressions.Where(s => emails.Contains(s.Email)).Select(s => s.Email).ToListAsync(ct)).ToHashSet();
                    foreach (var lead in targets.Where(t => !listed.Contains(t.Email)))
                        db.Suppressions.Add(new Suppression { TenantId = lead.TenantId, Email = lead.Email, Reason = "manual", CreatedAt = now });
                    await db.SaveChangesAsync(ct);
                }
                await db.Leads.Where(l => targetIds.Contains(l.Id)).ExecuteDeleteAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return new EraseResult(targets.Count, leads.Count - targets.Count);
        }
    }
}
