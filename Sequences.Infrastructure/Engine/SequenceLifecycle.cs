using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Infrastructure.Engine;

/// <param name="Version">The version the step belongs to: leads draining on an older version are counted at its steps.</param>
public sealed record StepProgress(Guid StepId, int StepOrder, int Leads, int Version = 1);

public sealed record SequenceProgress(int Total, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyList<StepProgress> ByStep);

/// <summary>A sequence's life: start (only when valid), pause, resume, archive; and where its leads are.</summary>
public sealed class SequenceLifecycle(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, LiquidTemplates templates)
{
    public async Task<Sequence> StartAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await SequenceService.LoadAsync(db, id, tracking: true, ct);
        if (sequence.Status == SequenceStatus.Active) throw new ConflictException("The sequence is already active.");
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence cannot be started; duplicate it instead.");
        // A paused sequence with a draft starts its live version: the draft goes live only by publishing.
        var live = sequence.DraftVersion is null ? sequence : await SequenceService.LoadAsync(db, id, tracking: false, ct, sequence.Version);
        var errors = SequenceValidator.Validate(live, templates, live.Version).Where(i => i.Severity == IssueSeverity.Error).ToList();
        if (errors.Count > 0) throw new UnprocessableException($"The sequence has {errors.Count} problem(s) to fix before it can start.", errors);

        var wasDraft = sequence.Status == SequenceStatus.Draft;
        sequence.Status = SequenceStatus.Active;
        await db.SaveChangesAsync(ct);
        if (wasDraft) await RescheduleFirstStepAsync(db, sequence, ct);
        return await SequenceService.LoadAsync(db, id, tracking: false, ct);
    }

    public Task<Sequence> PauseAsync(Guid id, CancellationToken ct = default) =>
        TransitionAsync(id, SequenceStatus.Paused, s => s == SequenceStatus.Active, "Only an active sequence can be paused.", ct);

    /// <summary>Overdue enrollments of a resumed sequence run at the next pass, inside their window.</summary>
    public Task<Sequence> ResumeAsync(Guid id, CancellationToken ct = default) =>
        TransitionAsync(id, SequenceStatus.Active, s => s == SequenceStatus.Paused, "Only a paused sequence can be resumed (start a draft instead).", ct);

    public Task<Sequence> ArchiveAsync(Guid id, CancellationToken ct = default) =>
        TransitionAsync(id, SequenceStatus.Archived, s => s != SequenceStatus.Archived, "The sequence is already archived.", ct);

    public async Task<SequenceProgress> ProgressAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await SequenceService.LoadAsync(db, id, tracking: false, ct, allVersions: true);
        var byStatus = await db.LeadSequenceStates.Where(s => s.SequenceId == id).GroupBy(s => s.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var byStep = await db.LeadSequenceStates
            .Where(s => s.SequenceId == id && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused) && s.CurrentStepId != null)
            .GroupBy(s => s.CurrentStepId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var counts = byStep.ToDictionary(x => x.Key!.Value, x => x.Count);
        var statuses = Enum.GetValues<EnrollmentStatus>().ToDictionary(
            s => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()),
            s => byStatus.FirstOrDefault(x => x.Key == s)?.Count ?? 0);
        return new SequenceProgress(statuses.Values.Sum(), statuses,
            sequence.Steps.Where(s => s.Version == sequence.Version || counts.ContainsKey(s.Id))
                .OrderByDescending(s => s.Version == sequence.Version).ThenBy(s => s.Version).ThenBy(s => s.StepOrder)
                .Select(s => new StepProgress(s.Id, s.StepOrder, counts.GetValueOrDefault(s.Id), s.Version)).ToList());
    }

    private async Task<Sequence> TransitionAsync(Guid id, SequenceStatus to, Func<SequenceStatus, bool> allowed, string refusal, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await db.Sequences.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        if (!allowed(sequence.Status)) throw new ConflictException(refusal);
        sequence.Status = to;
        await db.SaveChangesAsync(ct);
        return await SequenceService.LoadAsync(db, id, tracking: false, ct);
    }

    /// <summary>Leads enrolled while the sequence was a draft: step 1's wait counts from the start, not from enrollment.</summary>
    private async Task RescheduleFirstStepAsync(SequencesDbContext db, Sequence sequence, CancellationToken ct)
    {
        var first = sequence.Steps.FirstOrDefault();
        if (first is null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var plan = EnrollmentMapping.Plan(sequence);
        var tenantZone = await EnrollmentService.TenantZoneAsync(db, sequence.TenantId, ct);
        for (var offset = 0; ; offset += 500)
        {
            // The filter does not change under the update, so plain paging walks every row once.
            var batch = await db.LeadSequenceStates
                .Where(s => s.SequenceId == sequence.Id && s.Status == EnrollmentStatus.Active && s.CurrentStepId == first.Id && s.EmailsSent == 0)
                .OrderBy(s => s.Id).Skip(offset).Take(500).ToListAsync(ct);
            if (batch.Count == 0) break;
            var leadIds = batch.Select(s => s.LeadId).ToList();
            var leads = await db.Leads.Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
            foreach (var state in batch)
            {
                var zone = EnrollmentMapping.Zone(leads[state.LeadId], sequence.Settings, tenantZone);
                var schedule = Schedule.Plan(first, now, zone, plan.Settings, Schedule.HolidaysFor(plan.Settings, leads[state.LeadId].Country));
                state.NextActionAt = schedule.DueAt;
                // As the engine logs a move (EnrollmentEngine.MoveTo): the "why not sent" explainer replays the wait from here.
                if (schedule.DueAt > now)
                {
                    var metadata = new Dictionary<string, string> { ["due_at"] = schedule.DueAt.ToString("yyyy-MM-ddTHH:mm:ssZ") };
                    if (schedule.Reasons.Count > 0) metadata["reason"] = string.Join("; ", schedule.Reasons.Select(r => r.Message));
                    db.ExecutionLog.Add(EnrollmentMapping.Log(state, "step_scheduled", now, first, metadata: metadata));
                }
            }
            await db.SaveChangesAsync(ct);
        }
    }
}
