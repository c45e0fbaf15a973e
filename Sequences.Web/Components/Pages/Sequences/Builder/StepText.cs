using System.Globalization;
using MudBlazor;
using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>How a step reads on its node, in the list view and in route pickers.</summary>
public static class StepText
{
    public static string Icon(StepType type) => type switch
    {
        StepType.Email => Icons.Material.Filled.Email,
        StepType.Delay => Icons.Material.Filled.HourglassTop,
        StepType.Condition => Icons.Material.Filled.CallSplit,
        _ => Icons.Material.Filled.Bolt,
    };

    public static string TypeName(StepType type) => type switch
    {
        StepType.Email => "Email",
        StepType.Delay => "Delay",
        StepType.Condition => "Condition",
        _ => "Action",
    };

    public static string Title(StepDraft step, int index) =>
        $"{index + 1}. {(string.IsNullOrWhiteSpace(step.Name) ? TypeName(step.StepType) : step.Name)}";

    /// <summary>"Wait 2 days 3 hours, then 09:00"; "Right away" when there is no wait.</summary>
    public static string Wait(StepDraft step)
    {
        var parts = new List<string>();
        if (step.DelayDays > 0) parts.Add(Plural(step.DelayDays, "day"));
        if (step.DelayHours > 0) parts.Add(Plural(step.DelayHours, "hour"));
        var time = string.IsNullOrWhiteSpace(step.SendTime) ? null : step.SendTime.Trim();
        return (parts.Count, time) switch
        {
            (0, null) => "Right away",
            (0, _) => $"At {time}",
            (_, null) => $"Wait {string.Join(" ", parts)}",
            _ => $"Wait {string.Join(" ", parts)}, then {time}",
        };
    }

    /// <summary>The one line that says what the step does.</summary>
    public static string Detail(StepDraft step, BuilderDocument document) => step.StepType switch
    {
        StepType.Email when step.SameThread => "Reply in thread" + (string.IsNullOrWhiteSpace(step.SubjectLine) ? "" : $" (else: {step.SubjectLine})"),
        StepType.Email => string.IsNullOrWhiteSpace(step.SubjectLine) ? "(no subject)" : step.SubjectLine!,
        StepType.Delay => "Only waits",
        StepType.Condition => Condition(step, document),
        _ => Action(step),
    };

    public static string Condition(StepDraft step, BuilderDocument document)
    {
        var what = step.ConditionType switch
        {
            ConditionType.IfOpened => "Opened",
            ConditionType.IfClicked => "Clicked",
            ConditionType.IfReplied => "Replied",
            ConditionType.IfNotReplied => "Not replied",
            _ => "(choose a condition)",
        };
        var email = document.Find(step.EmailStepId) is { } target ? $" email {document.IndexOf(target.Id) + 1}" : " the last email";
        var within = step.WithinDays is { } d ? $" within {Plural(d, "day")}" : "";
        return $"{what}{(step.ConditionType is null ? "" : email)}{within}?";
    }

    public static string Route(BuilderDocument document, StepDraft condition, bool branch)
    {
        var target = document.BranchTarget(condition, branch);
        return target is null ? "end" : $"step {document.IndexOf(target.Id) + 1}";
    }

    public static string Action(StepDraft step) => step.ActionType switch
    {
        ActionType.UpdateStatus => $"Set status to {Or(step.ActionStatus)}",
        ActionType.TagLead => $"Tag lead {Or(step.ActionTag)}",
        ActionType.NotifyUser => $"Notify me: {Or(step.ActionMessage)}",
        ActionType.Webhook => $"Webhook {Or(step.ActionUrl)}",
        _ => "(choose an action)",
    };

    private static string Or(string? value) => string.IsNullOrWhiteSpace(value) ? "…" : $"\"{value}\"";

    private static string Plural(int n, string unit) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? unit : unit + "s");
}
