using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <summary>live: new enrollments start on it; draft: being edited; draining: older, leads still finishing on it;
/// retired: older, nobody left on it.</summary>
public enum VersionState { Live, Draft, Draining, Retired }

public sealed record VersionSummary(
    int Version, VersionState State, int Steps, int InFlight, int Enrolled, DateTime? PublishedAt, int LeadsMoved, int LeadsDraining);

/// <param name="Mapping">Old step id → new step id or "drain"; absent entries take the defaults.</param>
public sealed record PublishRequest(Dictionary<string, string>? Mapping, bool DryRun);

/// <param name="Busy">Leads a queue pass held at that moment: they stay on their version (they drain).</param>
public sealed record PublishResult(
    Guid SequenceId, int FromVersion, int ToVersion, bool DryRun, IReadOnlyList<StepMigration> Steps,
    int LeadsMoved, int LeadsDraining, int Busy);

/// <summary>Versions of a started sequence: list them, publish the draft (moving or draining the leads in flight),
/// or discard it.</summary>
public sealed class SequenceVersionService(
    IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, TimeProvider clock, LiquidTemplates templates)
{
    public async Task<IReadOnlyList<VersionSummary>> ListAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await db.Sequences.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        var steps = await db.SequenceSteps.Where(s => s.SequenceId == id).GroupBy(s => s.Version)
            .Select(g => new { Version = g.Key, Count = g.Count() }).ToListAsync(ct);
        var states = await db.LeadSequenceStates.Where(s => s.SequenceId == id).GroupBy(s => s.Version)
            .Select(g => new
            {
                Version = g.Key,
                Enrolled = g.Count(),
                InFlight = g.Count(s => s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused),
            }).ToListAsync(ct);
        var published = await db.SequenceVersions.AsNoTracking().Where(v => v.SequenceId == id).ToListAsync(ct);
        var versions = steps.Select(s => s.Version).Concat(states.Select(s => s.Version)).Append(sequence.Version).Distinct().OrderByDescending(v => v);
        return versions.Select(v =>
        {
            var counts = states.FirstOrDefault(s => s.Version == v);
            var publish = published.FirstOrDefault(p => p.Version == v);
            var state = v == sequence.DraftVersion ? VersionState.Draft
                : v == sequence.Version ? VersionState.Live
                : counts?.InFlight > 0 ? VersionState.Draining : VersionState.Retired;
            return new VersionSummary(v, state, steps.FirstOrDefault(s => s.Version == v)?.Count ?? 0, counts?.InFlight ?? 0,
                counts?.Enrolled ?? 0, publish?.PublishedAt, publish?.LeadsMoved ?? 0, publish?.LeadsDraining ?? 0);
        }).ToList();
    }

    /// <summary>With <c>dry_run</c>: what would happen, nothing changes. Otherwise, in one transaction: the draft goes
    /// live, leads at each old step move to their mapped step (keeping their due time; logged <c>version_moved</c>)
    /// or stay on their version until they finish.</summary>
    public async Task<PublishResult> PublishAsync(Guid id, PublishRequest request, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await SequenceService.LoadAsync(db, id, tracking: true, ct, allVersions: true);
        if (sequence.DraftVersion is not { } draft) throw new ConflictException("There is no draft to publish: edit the sequence first.");
        var draftSteps = sequence.Steps.Where(s => s.Version == draft).ToList();
        var oldSteps = sequence.Steps.Where(s => s.Version < draft).ToList();

        var errors = SequenceValidator.Validate(sequence, templates, draft).Where(i => i.Severity == IssueSeverity.Error).ToList();
        if (errors.Count > 0 && !request.DryRun)
            throw new UnprocessableException($"The draft has {errors.Count} problem(s) to fix before it can be published.", errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var inFlight = InFlight(db, id, now);
        var groups = await inFlight.Where(s => s.CurrentStepId != null)
            .GroupBy(s => new { s.Version, s.CurrentStepId })
            .Select(g => new { g.Key.Version, g.Key.CurrentStepId, Count = g.Count() }).ToListAsync(ct);
        var busy = await db.LeadSequenceStates.CountAsync(s => s.SequenceId == id && s.Version < draft
            && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused) && s.LeaseUntil != null && s.LeaseUntil > now, ct);
        var (rows, issues) = VersionMigration.Plan(oldSteps, sequence.Version, draftSteps,
            groups.Select(g => new InFlightGroup(g.Version, g.CurrentStepId!.Value, g.Count)).ToList(), request.Mapping);
        if (issues.Count > 0) throw new InputRejectedException(issues);

        var moved = rows.Where(r => !r.Drains).Sum(r => r.Leads);
        var draining = rows.Where(r => r.Drains).Sum(r => r.Leads) + busy;
        var result = new PublishResult(id, sequence.Version, draft, request.DryRun, rows, moved, draining, busy);
        if (request.DryRun) return result;

        var actuallyMoved = 0;
        foreach (var row in rows.Where(r => !r.Drains && r.Leads > 0))
            actuallyMoved += await MoveAsync(db, id, row, draft, now, ct);
        var from = sequence.Version;
        sequence.Version = draft;
        sequence.DraftVersion = null;
        sequence.StepsCount = draftSteps.Count;
        db.SequenceVersions.Add(new SequenceVersion
        {
            SequenceId = id, Version = draft, PublishedAt = now, PublishedBy = tenant.UserId, LeadsMoved = actuallyMoved,
            LeadsDraining = draining + moved - actuallyMoved,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result with { FromVersion = from, LeadsMoved = actuallyMoved, LeadsDraining = draining + moved - actuallyMoved };
    }

    /// <summary>Drops the draft's steps; the live version is untouched.</summary>
    public async Task DiscardDraftAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await db.Sequences.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        if (sequence.DraftVersion is not { } draft) throw new ConflictException("There is no draft to discard.");
        await db.SequenceSteps.Where(s => s.SequenceId == id && s.Version == draft).ExecuteDeleteAsync(ct);
        sequence.DraftVersion = null;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Enrollments that publishing may move: in flight on an older version and not held by a pass (a pass
    /// writes its cursor back when it is done, so moving a held one would be undone or send a step twice).</summary>
    private static IQueryable<LeadSequenceState> InFlight(SequencesDbContext db, Guid id, DateTime now) =>
        db.LeadSequenceStates.Where(s => s.SequenceId == id
            && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused)
            && (s.LeaseUntil == null || s.LeaseUntil <= now));

    private static async Task<int> MoveAsync(SequencesDbContext db, Guid id, StepMigration row, int draft, DateTime now, CancellationToken ct)
    {
        var to = row.ToStepId!.Value;
        var order = row.ToStepOrder!.Value;
        // The moved rows carry a marker until the log rows are written: the update holds them (row locks on PostgreSQL,
        // the write lock on SQLite) until commit, so exactly these leads get a log row, whatever a pass does meanwhile.
        var marker = $"publish:{Guid.NewGuid():N}";
        var count = await InFlight(db, id, now).Where(s => s.Version == row.FromVersion && s.CurrentStepId == row.FromStepId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Version, draft)
                .SetProperty(s => s.CurrentStepId, to)
                .SetProperty(s => s.CurrentStepOrder, order)
                .SetProperty(s => s.LeaseOwner, marker)
                .SetProperty(s => s.UpdatedAt, now), ct);
        var leads = await db.LeadSequenceStates.Where(s => s.LeaseOwner == marker).Select(s => new { s.LeadId, s.TenantId }).ToListAsync(ct);
        await db.LeadSequenceStates.Where(s => s.LeaseOwner == marker).ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, (string?)null), ct);
        db.ExecutionLog.AddRange(leads.Select(lead => new SequenceExecutionLog
        {
            Id = RowIds.New(),
            TenantId = lead.TenantId,
            LeadId = lead.LeadId,
            SequenceId = id,
            StepId = to,
            StepOrder = order,
            ActionType = "version_moved",
            Metadata = new()
            {
                ["from_version"] = row.FromVersion.ToString(), ["to_version"] = draft.ToString(),
                ["from_step_id"] = row.FromStepId.ToString(), ["from_step_order"] = row.FromStepOrder.ToString(),
            },
            ExecutedAt = now,
        }));
        return count;
    }
}
