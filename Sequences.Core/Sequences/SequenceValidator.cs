using Sequences.Core.Common;
using Sequences.Core.Templates;

namespace Sequences.Core.Sequences;

/// <summary>
/// Graph and content problems of a stored sequence: listed by GET /validate, blocking start (422)
/// when any is an error, shown on the builder's nodes. Pure: it reads the sequence and nothing else.
/// Shape rules of input are <see cref="StepShapeValidator"/>'s.
/// </summary>
public static class SequenceValidator
{
    // Validation only parses templates; callers with the shared service pass it to share its cache.
    private static readonly LiquidTemplates FallbackTemplates = new();

    /// <param name="version">The version to check (default: the latest, where edits go).</param>
    public static IReadOnlyList<ValidationIssue> Validate(Sequence sequence, LiquidTemplates? templates = null, int? version = null)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        templates ??= FallbackTemplates;
        var checkedVersion = version ?? sequence.LatestVersion;
        var steps = sequence.Steps.Where(s => s.Version == checkedVersion).OrderBy(s => s.StepOrder).ToList();
        var issues = new List<ValidationIssue>();
        if (steps.Count == 0)
        {
            issues.Add(ValidationIssue.Error("steps", "no_steps", "The sequence has no steps; add at least one email."));
            return issues;
        }

        var byId = new Dictionary<Guid, SequenceStep>();
        foreach (var step in steps) byId.TryAdd(step.Id, step);

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            switch (step.StepType)
            {
                case StepType.Email:
                    CheckEmail(issues, step, templates);
                    if (!Waits(step) && EmailRightBefore(steps, i) is { } previous)
                        issues.Add(ValidationIssue.Warning("delay_hours", "no_wait_between_emails",
                            $"{Describe(step)} follows the email of {Describe(previous)} with no wait, so a lead who reaches both gets them in the same minute. "
                            + "Give it a wait (delay_days or delay_hours); to end a branch after an email instead, follow that email with a condition whose answers both stop.",
                            step.Id));
                    if (step.SameThread && !steps.Take(i).Any(s => s.StepType == StepType.Email))
                        issues.Add(ValidationIssue.Warning("same_thread", "no_earlier_email",
                            $"{Describe(step)} is sent as a reply in the same thread, but no email comes before it; it goes out as a new email with its own subject.",
                            step.Id));
                    break;
                case StepType.Condition:
                    CheckCondition(issues, step, byId);
                    if (i > 0 && steps[i - 1].StepType == StepType.Email && step.DelayDays == 0 && step.DelayHours == 0)
                        issues.Add(ValidationIssue.Warning("delay_hours", "condition_without_wait",
                            $"{Describe(step)} runs right after the email before it, before anyone can open, click or reply; give it a wait (delay_days or delay_hours).",
                            step.Id));
                    break;
            }
        }
        return issues;
    }

    private static bool Waits(SequenceStep step) => step.DelayDays != 0 || step.DelayHours != 0 || !string.IsNullOrWhiteSpace(step.SendTime);

    /// <summary>The email a lead reaches just before step <paramref name="i"/> with no time between: actions run at
    /// once, so one between two emails does not space them.</summary>
    private static SequenceStep? EmailRightBefore(List<SequenceStep> steps, int i)
    {
        for (var j = i - 1; j >= 0; j--)
        {
            if (steps[j].StepType == StepType.Email) return steps[j];
            if (steps[j].StepType != StepType.Action || Waits(steps[j])) return null;
        }
        return null;
    }

    private static void CheckEmail(List<ValidationIssue> issues, SequenceStep step, LiquidTemplates templates)
    {
        CheckTemplates(issues, step, "", Describe(step), step.SubjectLine, step.BodyHtml, step.BodyText, templates);
        if (step.Variants.Count == 0)
        {
            CheckContent(issues, step, "", Describe(step), step.SubjectLine, step.BodyHtml, step.BodyText);
            return;
        }

        // With variants, the step's own fields are only the fallback of each variant's empty ones.
        for (var i = 0; i < step.Variants.Count; i++)
        {
            var variant = step.Variants[i];
            var prefix = $"variants[{i}].";
            var what = $"variant {variant.Variant} of {Describe(step)}";
            CheckTemplates(issues, step, prefix, what, variant.SubjectLine, variant.BodyHtml, variant.BodyText, templates);
            CheckContent(issues, step, prefix, char.ToUpperInvariant(what[0]) + what[1..],
                Fallback(variant.SubjectLine, step.SubjectLine),
                Fallback(variant.BodyHtml, step.BodyHtml),
                Fallback(variant.BodyText, step.BodyText));
        }
    }

    private static void CheckContent(List<ValidationIssue> issues, SequenceStep step, string prefix, string what, string? subject, string? html, string? text)
    {
        if (string.IsNullOrWhiteSpace(subject))
            issues.Add(ValidationIssue.Error(prefix + "subject_line", "empty_email", $"{what} has no subject line.", step.Id));
        if (string.IsNullOrWhiteSpace(html) && string.IsNullOrWhiteSpace(text))
            issues.Add(ValidationIssue.Error(prefix + "body_html", "empty_email", $"{what} has no body (html or text).", step.Id));
    }

    private static void CheckTemplates(List<ValidationIssue> issues, SequenceStep step, string prefix, string what,
        string? subject, string? html, string? text, LiquidTemplates templates)
    {
        foreach (var (field, source) in new[] { ("subject_line", subject), ("body_html", html), ("body_text", text) })
        {
            if (string.IsNullOrEmpty(source)) continue;
            var name = $"The {FieldLabels.Of(field)} of {what}";
            if (!templates.TryParse(source, out var error))
            {
                issues.Add(ValidationIssue.Error(prefix + field, "template_syntax", $"{name} is not valid Liquid: {error}", step.Id));
                continue;
            }
            foreach (var variable in templates.FindVariables(source).Where(v => !LiquidTemplates.IsKnownVariable(v)))
                issues.Add(ValidationIssue.Warning(prefix + field, "unknown_variable",
                    $"{name} uses {{{{ {variable} }}}}, which is not a known variable; it will render empty.", step.Id));
        }
    }

    private static void CheckCondition(List<ValidationIssue> issues, SequenceStep step, Dictionary<Guid, SequenceStep> byId)
    {
        if (step.ConditionValue is not { } value) return;
        CheckRoute(issues, step, "condition_value.on_true", value.OnTrue, byId);
        CheckRoute(issues, step, "condition_value.on_false", value.OnFalse, byId);
        if (value.SkipTo is { } skipTo) CheckJump(issues, step, "condition_value.skip_to", skipTo, byId);
        if (value.EmailStepId is { } emailStepId) CheckEmailReference(issues, step, emailStepId, byId);
        // Both answers stopping is how a branch ends on purpose; any other shared target makes the question idle.
        if (value.SkipTo is null && Target(step, value.OnTrue, byId) is { } yes and not "stop" && yes == Target(step, value.OnFalse, byId))
            issues.Add(ValidationIssue.Warning("condition_value.on_false", "same_route",
                $"{Describe(step)} goes on to the same place whether the answer is yes or no, so it changes nothing; send one answer elsewhere.", step.Id));
    }

    /// <summary>Where a route leads: a step id, "end" after the last step, "stop"; null when the route is broken
    /// (reported by itself). "Continue" and a jump to the very next step lead to the same place.</summary>
    private static string? Target(SequenceStep step, string? route, Dictionary<Guid, SequenceStep> byId)
    {
        if (!StepRoute.TryParse(route, out var parsed)) return null;
        return parsed.Kind switch
        {
            StepRouteKind.Stop => "stop",
            StepRouteKind.Jump => byId.ContainsKey(parsed.StepId) ? parsed.StepId.ToString() : null,
            _ => byId.Values.Where(s => s.StepOrder > step.StepOrder).MinBy(s => s.StepOrder)?.Id.ToString() ?? "end",
        };
    }

    private static void CheckRoute(List<ValidationIssue> issues, SequenceStep step, string field, string? value, Dictionary<Guid, SequenceStep> byId)
    {
        if (!StepRoute.TryParse(value, out var route))
            issues.Add(ValidationIssue.Error(field, "invalid_route", $"{field} of {Describe(step)} is '{value}': use \"continue\", \"stop\" or a step id.", step.Id));
        else if (route.Kind == StepRouteKind.Jump)
            CheckJump(issues, step, field, route.StepId, byId);
    }

    private static void CheckJump(List<ValidationIssue> issues, SequenceStep step, string field, Guid targetId, Dictionary<Guid, SequenceStep> byId)
    {
        if (!byId.TryGetValue(targetId, out var target))
            issues.Add(ValidationIssue.Error(field, "dangling_reference", $"{field} of {Describe(step)} goes to step {targetId}, which is not in this sequence.", step.Id));
        // Execution continues in step order after a jump, so only forward jumps are guaranteed to end.
        else if (target.StepOrder <= step.StepOrder)
            issues.Add(ValidationIssue.Error(field, "cycle", $"{field} of {Describe(step)} goes back to {Describe(target)}; routes may only go forward.", step.Id));
    }

    private static void CheckEmailReference(List<ValidationIssue> issues, SequenceStep step, Guid emailStepId, Dictionary<Guid, SequenceStep> byId)
    {
        const string field = "condition_value.email_step_id";
        if (!byId.TryGetValue(emailStepId, out var target))
            issues.Add(ValidationIssue.Error(field, "dangling_reference", $"{field} of {Describe(step)} names step {emailStepId}, which is not in this sequence.", step.Id));
        else if (target.StepType != StepType.Email)
            issues.Add(ValidationIssue.Error(field, "invalid_reference", $"{field} of {Describe(step)} names {Describe(target)}, which is not an email.", step.Id));
        else if (target.StepOrder >= step.StepOrder)
            issues.Add(ValidationIssue.Error(field, "invalid_reference", $"{field} of {Describe(step)} names {Describe(target)}, which is not before the condition.", step.Id));
    }

    private static string? Fallback(string? own, string? step) => string.IsNullOrWhiteSpace(own) ? step : own;

    private static string Describe(SequenceStep step) =>
        string.IsNullOrWhiteSpace(step.Name) ? $"step {step.StepOrder}" : $"step {step.StepOrder} ({step.Name})";
}
