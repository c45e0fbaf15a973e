using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Tenants;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

public enum BulkLeadAction { Pause, Resume, Skip }

/// <summary>How a bulk action went: enrollments changed, enrollments not in a state for it, and refusals with reasons.</summary>
public sealed record BulkResult(int Changed, int NotApplicable, IReadOnlyList<string> Errors);

/// <summary>What a person does to leads from the dashboards: bulk pause/resume/skip, remove from a sequence,
/// unsubscribe. Single enrollment changes go through <see cref="EnrollmentService"/>, so they are logged the same way.</summary>
public sealed class LeadActionService(
    IDbContextFactory<SequencesDbContext> contexts, EnrollmentService enrollments, EngagementRecorder engagement, ITenantContext tenant,
    TimeProvider clock)
{
    public const int MaxBulkLeads = 5_000;

    /// <summary>Applies <paramref name="action"/> to the selected leads' enrollments (in one sequence, or all of them).
    /// Enrollments in the wrong state are counted, not failed.</summary>
    public async Task<BulkResult> BulkAsync(IReadOnlyCollection<Guid> leadIds, BulkLeadAction action, Guid? sequenceId = null,
        Func<int, Task>? progress = null, CancellationToken ct = default)
    {
        if (leadIds.Count > MaxBulkLeads) throw new InputRejectedException("lead_ids", "too_many", $"At most {MaxBulkLeads} leads at a time.");
        List<(Guid LeadId, Guid SequenceId, EnrollmentStatus Status)> targets;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var ids = leadIds.Distinct().ToList();
            targets = [];
            foreach (var chunk in ids.Chunk(500))
            {
                var query = db.LeadSequenceStates.AsNoTracking().Where(s => chunk.Contains(s.LeadId));
                if (sequenceId is { } sid) query = query.Where(s => s.SequenceId == sid);
                targets.AddRange((await query.Select(s => new { s.LeadId, s.SequenceId, s.Status }).ToListAsync(ct))
                    .Select(s => (s.LeadId, s.SequenceId, s.Status)));
            }
        }

        var changed = 0; var notApplicable = 0; var errors = new List<string>();
        foreach (var target in targets)
        {
            var applies = action switch
            {
                BulkLeadAction.Pause => target.Status == EnrollmentStatus.Active,
                BulkLeadAction.Resume => target.Status == EnrollmentStatus.Paused,
                _ => target.Status is EnrollmentStatus.Active or EnrollmentStatus.Paused,
            };
            if (!applies) { notApplicable++; continue; }
            try
            {
                _ = action switch
                {
                    BulkLeadAction.Pause => await enrollments.PauseAsync(target.LeadId, target.SequenceId, ct),
                    BulkLeadAction.Resume => await enrollments.ResumeAsync(target.LeadId, target.SequenceId, ct),
                    _ => await enrollments.SkipStepAsync(target.LeadId, target.SequenceId, ct),
                };
                changed++;
            }
            catch (ConflictException e)
            {
                // The scheduler holds it right now, or it changed meanwhile: report it, go on with the rest.
                errors.Add(e.Message);
            }
            if (progress is not null) await progress(changed + notApplicable + errors.Count);
        }
        return new BulkResult(changed, notApplicable, errors);
    }

    /// <summary>Takes the lead out of a sequence: the enrollment stops (reason "removed") and is kept for the record.</summary>
    public async Task RemoveFromSequenceAsync(Guid leadId, Guid sequenceId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct)) throw new NotFoundException("Lead", leadId);
        var state = await db.LeadSequenceStates.FirstOrDefaultAsync(s => s.LeadId == leadId && s.SequenceId == sequenceId, ct)
                    ?? throw new NotFoundException("Enrollment", sequenceId);
        var now = clock.GetUtcNow().UtcDateTime;
        if (state.LeaseUntil > now) throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        if (state.Status is EnrollmentStatus.Completed or EnrollmentStatus.Stopped) throw new ConflictException("This enrollment has already ended.");
        state.Status = EnrollmentStatus.Stopped;
        state.StoppedReason = "removed";
        state.CompletedAt = now;
        state.NextActionAt = null;
        db.ExecutionLog.Add(new SequenceExecutionLog
        {
            TenantId = state.TenantId, LeadId = leadId, SequenceId = sequenceId, ActionType = "removed", ActionResult = LogResult.Success,
            ExecutedAt = now, Metadata = tenant.UserId is { } user ? new() { ["by_user"] = user.ToString() } : [],
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        }
    }

    /// <summary>Unsubscribes the lead as if they had clicked the link: every enrollment stops and the address is suppressed.</summary>
    public async Task<EngagementResult> UnsubscribeAsync(Guid leadId, CancellationToken ct = default)
    {
        var tenantId = tenant.TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");
        await using (var db = await contexts.CreateDbContextAsync(ct))
            if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct)) throw new NotFoundException("Lead", leadId);
        return await engagement.RecordAsync(new EngagementInput(tenantId, leadId, EngagementType.Unsubscribed,
            Metadata: new Dictionary<string, string> { ["source"] = "dashboard" }), ct);
    }
}
