using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

/// <summary>Leads in flight at one step of an older version (active or paused, not held by a pass right now).</summary>
public sealed record InFlightGroup(int Version, Guid StepId, int Leads);

/// <summary>What publishing does with the leads at one old step: move them to <see cref="ToStepId"/> of the new
/// version, or (null) let them finish on their own version.</summary>
public sealed record StepMigration(
    int FromVersion, Guid FromStepId, int FromStepOrder, StepType FromStepType, string? FromStepName, int Leads,
    Guid? ToStepId, int? ToStepOrder, bool Chosen)
{
    public bool Drains => ToStepId is null;
}

/// <summary>The rules of publishing a draft version over a running one (issue #9): pure, over steps and counts.</summary>
public static class VersionMigration
{
    /// <summary>The value of a mapping entry that keeps leads on their old version until they finish.</summary>
    public const string Drain = "drain";

    /// <summary>One row per old step that has leads in flight (and per mapped step), in version and step order.
    /// Defaults: a live step's leads move to its copy in the draft; if the draft deleted it, to the copy of the
    /// first later step that survived (as deleting a step in place does); if none survived, they drain. Leads
    /// already draining on an older version keep draining unless the mapping names their step.</summary>
    /// <param name="oldSteps">Steps of every version before the draft (at least those named by <paramref name="inFlight"/>).</param>
    /// <param name="mapping">Old step id → new step id or <see cref="Drain"/>; may be null or partial.</param>
    public static (IReadOnlyList<StepMigration> Rows, IReadOnlyList<ValidationIssue> Issues) Plan(
        IReadOnlyList<SequenceStep> oldSteps, int liveVersion, IReadOnlyList<SequenceStep> draftSteps,
        IReadOnlyList<InFlightGroup> inFlight, IReadOnlyDictionary<string, string>? mapping)
    {
        var issues = new List<ValidationIssue>();
        var oldById = oldSteps.ToDictionary(s => s.Id);
        var draftById = draftSteps.ToDictionary(s => s.Id);
        var chosen = new Dictionary<Guid, Guid?>();
        foreach (var (key, value) in mapping ?? new Dictionary<string, string>())
        {
            var field = $"mapping.{key}";
            if (!Guid.TryParse(key, out var from) || !oldById.ContainsKey(from))
            {
                issues.Add(ValidationIssue.Error(field, "unknown_step", $"{key} is not a step of an earlier version of this sequence."));
                continue;
            }
            if (string.Equals(value, Drain, StringComparison.OrdinalIgnoreCase)) chosen[from] = null;
            else if (Guid.TryParse(value, out var to) && draftById.ContainsKey(to)) chosen[from] = to;
            else issues.Add(ValidationIssue.Error(field, "unknown_target",
                $"Map step {key} to \"{Drain}\" or to the id of a step of the new version; \"{value}\" is neither.", from));
        }

        var leads = inFlight.GroupBy(g => g.StepId).ToDictionary(g => g.Key, g => g.Sum(x => x.Leads));
        var rows = leads.Keys.Concat(chosen.Keys).Distinct()
            .Where(oldById.ContainsKey)
            .Select(id => oldById[id])
            .OrderBy(s => s.Version).ThenBy(s => s.StepOrder)
            .Select(step =>
            {
                var isChosen = chosen.TryGetValue(step.Id, out var target);
                if (!isChosen) target = step.Version == liveVersion ? DefaultTarget(step, oldSteps, draftSteps) : null;
                var to = target is { } t ? draftById[t] : null;
                return new StepMigration(step.Version, step.Id, step.StepOrder, step.StepType, step.Name, leads.GetValueOrDefault(step.Id),
                    to?.Id, to?.StepOrder, isChosen);
            })
            .ToList();
        return (rows, issues);
    }

    private static Guid? DefaultTarget(SequenceStep step, IReadOnlyList<SequenceStep> oldSteps, IReadOnlyList<SequenceStep> draftSteps)
    {
        var copyOf = draftSteps.Where(s => s.SourceStepId is not null).GroupBy(s => s.SourceStepId!.Value).ToDictionary(g => g.Key, g => g.First());
        if (copyOf.TryGetValue(step.Id, out var copy)) return copy.Id;
        var later = oldSteps.Where(s => s.Version == step.Version && s.StepOrder > step.StepOrder).OrderBy(s => s.StepOrder);
        foreach (var next in later)
            if (copyOf.TryGetValue(next.Id, out var survivor)) return survivor.Id;
        return null;
    }
}
