using System.Text.Json;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>The sequence being edited: name, settings and the ordered step drafts, with the structural
/// edits the canvas, the palette and the list view make. Pure: no rendering, no services.</summary>
public sealed class BuilderDocument
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public SequenceSettings Settings { get; set; } = new();
    public List<StepDraft> Steps { get; } = [];

    public static BuilderDocument From(Sequence sequence)
    {
        var document = new BuilderDocument { Name = sequence.Name, Description = sequence.Description, Settings = sequence.Settings };
        document.Steps.AddRange(sequence.Steps.OrderBy(s => s.StepOrder).Select(s => StepDraft.From(StepMapper.ToInput(s), saved: true)));
        return document;
    }

    public SequenceInput ToInput() => new()
    {
        Name = Name,
        Description = string.IsNullOrWhiteSpace(Description) ? null : Description,
        Settings = Settings,
        Steps = Steps.Select(s => s.ToInput()).ToList(),
    };

    /// <summary>A stable text of everything a save would write: two equal snapshots mean nothing is unsaved.</summary>
    public string Snapshot() => JsonSerializer.Serialize(ToInput(), JsonDefaults.Options);

    public int IndexOf(Guid stepId) => Steps.FindIndex(s => s.Id == stepId);

    public StepDraft? Find(Guid? stepId) => stepId is { } id ? Steps.Find(s => s.Id == id) : null;

    /// <summary>Inserts at <paramref name="index"/> (clamped; past the end appends).</summary>
    public StepDraft Insert(int index, StepDraft step)
    {
        Steps.Insert(Math.Clamp(index, 0, Steps.Count), step);
        return step;
    }

    /// <summary>Moves a step so it ends up at <paramref name="index"/> of the new order; it then follows the automatic layout.</summary>
    public bool Move(Guid stepId, int index)
    {
        var from = IndexOf(stepId);
        if (from < 0) return false;
        var step = Steps[from];
        Steps.RemoveAt(from);
        var to = Math.Clamp(index, 0, Steps.Count);
        Steps.Insert(to, step);
        step.PositionX = null;
        step.PositionY = null;
        return from != to;
    }

    /// <summary>Conditions that route to or ask about <paramref name="stepId"/>.</summary>
    public IReadOnlyList<StepDraft> ReferencesTo(Guid stepId)
    {
        var id = stepId.ToString();
        return Steps.Where(s => s.Id != stepId && s.StepType == StepType.Condition
            && (s.EmailStepId == stepId || Same(s.OnTrue, id) || Same(s.OnFalse, id))).ToList();
    }

    /// <summary>Removes a step; routes that named it continue instead, and conditions that asked about it ask about the last email.</summary>
    public bool Remove(Guid stepId)
    {
        var index = IndexOf(stepId);
        if (index < 0) return false;
        var id = stepId.ToString();
        foreach (var other in ReferencesTo(stepId))
        {
            if (other.EmailStepId == stepId) other.EmailStepId = null;
            if (Same(other.OnTrue, id)) other.OnTrue = null;
            if (Same(other.OnFalse, id)) other.OnFalse = null;
        }
        Steps.RemoveAt(index);
        return true;
    }

    /// <summary>Where a condition's branch goes, with the engine's defaults applied (if_replied yes stops, ...).</summary>
    public static StepRoute EffectiveRoute(StepDraft condition, bool branch)
    {
        var value = new ConditionValue { OnTrue = condition.OnTrue, OnFalse = condition.OnFalse };
        return ConditionEvaluator.RouteFor(condition.ConditionType ?? ConditionType.IfOpened, value, branch);
    }

    /// <summary>The step a branch leads to, or null when it stops (or continues past the last step).</summary>
    public StepDraft? BranchTarget(StepDraft condition, bool branch)
    {
        var route = EffectiveRoute(condition, branch);
        return route.Kind switch
        {
            StepRouteKind.Jump => Find(route.StepId),
            StepRouteKind.Continue => IndexOf(condition.Id) is var i and >= 0 && i + 1 < Steps.Count ? Steps[i + 1] : null,
            _ => null,
        };
    }

    /// <summary>Points a condition's branch at a step: the next one is written as "continue", any other by id.</summary>
    public void SetBranch(StepDraft condition, bool branch, Guid? targetId)
    {
        string route;
        if (targetId is not { } target) route = "stop";
        else if (IndexOf(target) == IndexOf(condition.Id) + 1) route = "continue";
        else route = target.ToString();
        if (branch) condition.OnTrue = route;
        else condition.OnFalse = route;
    }

    private static bool Same(string? route, string id) => string.Equals(route?.Trim(), id, StringComparison.OrdinalIgnoreCase);
}
