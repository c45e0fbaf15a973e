using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <summary>Steps of one sequence of the current tenant.</summary>
public sealed class StepService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public async Task<IReadOnlyList<SequenceStep>> ListAsync(Guid sequenceId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await SequenceService.LoadAsync(db, sequenceId, tracking: false, ct)).Steps;
    }

    public async Task<SequenceStep> GetAsync(Guid sequenceId, Guid stepId, CancellationToken ct = default) =>
        (await ListAsync(sequenceId, ct)).FirstOrDefault(s => s.Id == stepId) ?? throw new NotFoundException("Step", stepId);

    public async Task<SequenceStep> AddAsync(Guid sequenceId, StepInput input, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await DraftVersions.LoadForEditAsync(db, sequenceId, ct);
        input = DraftVersions.ToDraftIds([input], sequence.Steps)[0];
        var ids = sequence.Steps.Select(s => s.Id).ToHashSet();
        var issues = StepShapeValidator.ValidateStep(input, ids);
        if (input.StepOrder is < 1 || input.StepOrder > sequence.Steps.Count + 1)
            issues.Add(ValidationIssue.Error("step_order", "out_of_range", $"step_order must be between 1 and {sequence.Steps.Count + 1}."));
        if (issues.Count > 0) throw new InputRejectedException(issues);
        await TemplateReferences.CheckAsync(db, [input], null, ct);

        var step = new SequenceStep { SequenceId = sequence.Id, Version = sequence.LatestVersion };
        StepMapper.Apply(step, input);
        var oldOrder = sequence.Steps.ToList();
        var ordered = oldOrder.ToList();
        ordered.Insert((input.StepOrder ?? ordered.Count + 1) - 1, step);
        db.SequenceSteps.Add(step);

        await StepOrdering.ApplyAsync(db, sequence, ordered, [], oldOrder, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return step;
    }

    /// <summary>PUT: replaces the step's editable fields; its place in the order stays (reorder moves it).</summary>
    public async Task<SequenceStep> UpdateAsync(Guid sequenceId, Guid stepId, StepInput input, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await DraftVersions.LoadForEditAsync(db, sequenceId, ct);
        var step = FindStep(sequence, stepId);
        input = DraftVersions.ToDraftIds([input], sequence.Steps)[0];
        var issues = StepShapeValidator.ValidateStep(input, sequence.Steps.Select(s => s.Id).ToHashSet());
        if (issues.Count > 0) throw new InputRejectedException(issues);
        await TemplateReferences.CheckAsync(db, [input], null, ct);
        SequenceService.ReplaceFields(db, step, input);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return step;
    }

    public async Task DeleteAsync(Guid sequenceId, Guid stepId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await DraftVersions.LoadForEditAsync(db, sequenceId, ct);
        var step = FindStep(sequence, stepId);
        var oldOrder = sequence.Steps.ToList();
        var ordered = oldOrder.Where(s => s.Id != step.Id).ToList();
        db.SequenceSteps.Remove(step);

        await StepOrdering.ApplyAsync(db, sequence, ordered, [step], oldOrder, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Every step id exactly once, else 400 and nothing changes.</summary>
    public async Task<IReadOnlyList<SequenceStep>> ReorderAsync(Guid sequenceId, IReadOnlyList<Guid>? stepIds, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await DraftVersions.LoadForEditAsync(db, sequenceId, ct);
        var byId = sequence.Steps.ToDictionary(s => s.Id);
        stepIds = stepIds?.Select(id => DraftVersions.ToDraftId(id, sequence.Steps)).ToList();
        CheckPermutation(stepIds, byId.Keys);

        var oldOrder = sequence.Steps.ToList();
        var ordered = stepIds!.Select(id => byId[id]).ToList();
        await StepOrdering.ApplyAsync(db, sequence, ordered, [], oldOrder, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ordered;
    }

    private static void CheckPermutation(IReadOnlyList<Guid>? stepIds, IEnumerable<Guid> existing)
    {
        if (stepIds is null) throw new InputRejectedException("step_ids", "required", "step_ids is required: every step id of the sequence, once, in the new order.");
        var known = existing.ToHashSet();
        var issues = new List<ValidationIssue>();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < stepIds.Count; i++)
        {
            if (!known.Contains(stepIds[i]))
                issues.Add(ValidationIssue.Error($"step_ids[{i}]", "unknown_step", $"Step {stepIds[i]} is not a step of this sequence."));
            else if (!seen.Add(stepIds[i]))
                issues.Add(ValidationIssue.Error($"step_ids[{i}]", "duplicate", $"Step {stepIds[i]} is listed twice."));
        }
        foreach (var missing in known.Except(stepIds))
            issues.Add(ValidationIssue.Error("step_ids", "missing_step", $"Step {missing} is missing from step_ids."));
        if (issues.Count > 0) throw new InputRejectedException(issues);
    }

    /// <summary>The step by its id, or by the id of the live step it was copied from into the draft.</summary>
    private static SequenceStep FindStep(Sequence sequence, Guid stepId)
    {
        var id = DraftVersions.ToDraftId(stepId, sequence.Steps);
        return sequence.Steps.FirstOrDefault(s => s.Id == id) ?? throw new NotFoundException("Step", stepId);
    }
}
