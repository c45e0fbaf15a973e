using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <summary>Step edits of a started sequence go to a draft version, so the running version keeps running until
/// the draft is published (ADR 0006). A sequence that never started is edited in place.</summary>
internal static class DraftVersions
{
    /// <summary>Loads the sequence, tracked, with the steps edits should change: the draft's, created on the first edit
    /// of a started sequence as a copy of the live steps (new ids, each remembering its source). Call inside the
    /// caller's transaction, so a rejected edit leaves no draft behind.</summary>
    public static async Task<Sequence> LoadForEditAsync(SequencesDbContext db, Guid id, CancellationToken ct)
    {
        var sequence = await SequenceService.LoadAsync(db, id, tracking: true, ct);
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence cannot be edited.");
        if (sequence.DraftVersion is not null || sequence.Status == SequenceStatus.Draft) return sequence;

        var draft = sequence.Version + 1;
        var live = sequence.Steps.ToList();
        var idMap = live.ToDictionary(s => s.Id, _ => Guid.NewGuid());
        db.SequenceSteps.AddRange(live.Select(step => StepMapper.CopyForVersion(step, draft, idMap)));
        sequence.DraftVersion = draft;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await SequenceService.LoadAsync(db, id, tracking: true, ct);
    }

    /// <summary>True when <paramref name="inputs"/> say what the live steps already say, give or take canvas positions:
    /// saving a running sequence's settings or layout must not open a draft with nothing to publish.</summary>
    public static bool OnlyLayoutDiffers(IReadOnlyList<StepInput> inputs, IReadOnlyList<SequenceStep> liveSteps)
    {
        var desired = StepMapper.Build(inputs, liveSteps.Select(s => s.Id).ToHashSet());
        return desired.Count == liveSteps.Count && desired.Zip(liveSteps).All(pair => Content(pair.First) == Content(pair.Second));
    }

    /// <summary>Copies canvas positions onto the live steps (layout is not behaviour: it needs no new version).</summary>
    public static void ApplyLayout(IReadOnlyList<StepInput> inputs, IReadOnlyList<SequenceStep> liveSteps)
    {
        foreach (var (input, step) in inputs.Zip(liveSteps))
            (step.PositionX, step.PositionY) = (input.PositionX, input.PositionY);
    }

    private static string Content(SequenceStep step) =>
        System.Text.Json.JsonSerializer.Serialize(StepMapper.ToInput(step) with { PositionX = null, PositionY = null });

    /// <summary>A client that read the sequence before the draft existed names the live steps: those ids (and routes
    /// to them) mean their copies in the draft.</summary>
    public static IReadOnlyList<StepInput> ToDraftIds(IReadOnlyList<StepInput> inputs, IReadOnlyList<SequenceStep> draftSteps)
    {
        var map = DraftIdsBySource(draftSteps);
        return map.Count == 0 ? inputs : inputs.Select(i => i is null ? i! : StepMapper.Rename(i, map)).ToList();
    }

    /// <summary>A live step's id names its copy in the draft; any other id stays.</summary>
    public static Guid ToDraftId(Guid stepId, IReadOnlyList<SequenceStep> draftSteps) =>
        draftSteps.Any(s => s.Id == stepId) ? stepId : DraftIdsBySource(draftSteps).GetValueOrDefault(stepId, stepId);

    private static Dictionary<Guid, Guid> DraftIdsBySource(IReadOnlyList<SequenceStep> draftSteps)
    {
        var ids = draftSteps.Select(s => s.Id).ToHashSet();
        return draftSteps.Where(s => s.SourceStepId is { } source && !ids.Contains(source))
            .GroupBy(s => s.SourceStepId!.Value).ToDictionary(g => g.Key, g => g.First().Id);
    }
}
