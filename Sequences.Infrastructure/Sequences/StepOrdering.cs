using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <summary>The one way step order changes (add, delete, reorder, save all): orders stay 1..n and
/// unique at every statement, and leads on a removed step move to the step that followed it.</summary>
internal static class StepOrdering
{
    /// <summary>Works on the sequence's latest version (the draft while there is one: no lead is on its steps yet).
    /// Call inside a transaction, before SaveChanges. <paramref name="ordered"/> are the steps
    /// that remain, in their new order (new ones already added to the context).</summary>
    public static async Task ApplyAsync(SequencesDbContext db, Sequence sequence, IReadOnlyList<SequenceStep> ordered,
        IReadOnlyCollection<SequenceStep> removed, IReadOnlyList<SequenceStep> oldOrder, DateTime now, CancellationToken ct)
    {
        var oldOrders = oldOrder.ToDictionary(s => s.Id, s => s.StepOrder);

        // Park every stored order below zero first, so no intermediate state breaks UNIQUE(sequence_id, version, step_order).
        await db.SequenceSteps
            .Where(s => s.SequenceId == sequence.Id && s.Version == sequence.LatestVersion)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.StepOrder, s => -s.StepOrder - 1), ct);

        // Final orders are written here, row by row (a sequence has few steps): EF's own ordering of a
        // permutation would see a cycle in the unique key. New steps are inserted by SaveChanges.
        for (var i = 0; i < ordered.Count; i++)
        {
            var step = ordered[i];
            var order = i + 1;
            step.StepOrder = order;
            var entry = db.Entry(step);
            if (entry.State == EntityState.Added) continue;
            await db.SequenceSteps.Where(s => s.Id == step.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.StepOrder, order), ct);
            entry.Property(s => s.StepOrder).OriginalValue = order;
        }
        // The list's step count is the live version's; a draft's count goes live with it.
        if (sequence.DraftVersion is null) sequence.StepsCount = ordered.Count;

        await MoveLeadsOffAsync(db, sequence, removed, ordered, oldOrder, now, ct);

        foreach (var step in ordered)
            if (oldOrders.TryGetValue(step.Id, out var old) && old != step.StepOrder)
            {
                var order = step.StepOrder;
                await db.LeadSequenceStates.Where(s => s.CurrentStepId == step.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.CurrentStepOrder, order), ct);
            }
    }

    private static async Task MoveLeadsOffAsync(SequencesDbContext db, Sequence sequence, IReadOnlyCollection<SequenceStep> removed,
        IReadOnlyList<SequenceStep> ordered, IReadOnlyList<SequenceStep> oldOrder, DateTime now, CancellationToken ct)
    {
        if (removed.Count == 0) return;
        var remaining = ordered.Select(s => s.Id).ToHashSet();
        foreach (var gone in removed)
        {
            // The step that followed it before the change and is still there.
            var next = oldOrder.SkipWhile(s => s.Id != gone.Id).Skip(1).FirstOrDefault(s => remaining.Contains(s.Id));
            var leads = await db.LeadSequenceStates.Where(s => s.CurrentStepId == gone.Id)
                .Select(s => s.LeadId).ToListAsync(ct);
            if (leads.Count == 0) continue;

            if (next is null)
                await db.LeadSequenceStates.Where(s => s.CurrentStepId == gone.Id)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.CurrentStepId, (Guid?)null)
                        .SetProperty(s => s.CurrentStepOrder, ordered.Count + 1)
                        .SetProperty(s => s.UpdatedAt, now), ct);
            else
            {
                var order = next.StepOrder;
                await db.LeadSequenceStates.Where(s => s.CurrentStepId == gone.Id)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.CurrentStepId, next.Id)
                        .SetProperty(s => s.CurrentStepOrder, order)
                        .SetProperty(s => s.UpdatedAt, now), ct);
            }
            db.ExecutionLog.AddRange(leads.Select(lead => new SequenceExecutionLog
            {
                LeadId = lead,
                SequenceId = sequence.Id,
                StepId = gone.Id,
                StepOrder = gone.StepOrder,
                ActionType = "step_deleted",
                ActionResult = LogResult.Skipped,
                Metadata = new() { ["moved_to_step_id"] = next?.Id.ToString() ?? "end" },
                ExecutedAt = now,
            }));
        }
    }
}
