using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

/// <summary>Shape rules checked on write: input that breaks them is rejected (400) and nothing is stored.
/// Graph and content problems are the <see cref="SequenceValidator"/>'s, stored and reported instead.</summary>
public static class StepShapeValidator
{
    public const int MaxDelayDays = 3650;
    public const int MaxDelayHours = 24 * 3650;
    public const int MaxNameLength = 200;
    public const int MaxSubjectLength = 998;
    /// <summary>Below the renderer's 256 KB output limit (<see cref="Templates.TemplateLimits.MaxOutputChars"/>), with room
    /// for the values a body's variables bring: a longer body saved fine and then could not be rendered or sent.</summary>
    public const int MaxBodyLength = 200 * 1024;

    public static List<ValidationIssue> ValidateSequence(SequenceInput input, string prefix = "")
    {
        var issues = new List<ValidationIssue>();
        RequireText(issues, $"{prefix}name", input.Name, MaxNameLength);
        MaxLength(issues, $"{prefix}description", input.Description, 4000);
        if (input.Settings is { } s) ValidateSettings(issues, s, $"{prefix}settings.");
        return issues;
    }

    public static void ValidateSettings(List<ValidationIssue> issues, SequenceSettings s, string prefix)
    {
        if (s.Timezone is not null && !TimeZones.IsIana(s.Timezone))
            issues.Add(ValidationIssue.Error($"{prefix}timezone", "invalid_timezone", $"'{s.Timezone}' is not an IANA time zone (e.g. Europe/Berlin)."));
        if (s.PerDomainHourlyCap is < 1 or > 100_000)
            issues.Add(ValidationIssue.Error($"{prefix}per_domain_hourly_cap", "out_of_range", "The emails per recipient domain per hour must be from 1 to 100000 (empty: no limit)."));
        var window = s.SendWindow ?? new SendWindow();
        var startOk = LocalTimes.TryParse(window.Start, out var start);
        var endOk = LocalTimes.TryParse(window.End, out var end, allowEndOfDay: true);
        if (!startOk) issues.Add(ValidationIssue.Error($"{prefix}send_window.start", "invalid_time", "The window start must be a 24-hour time HH:mm."));
        if (!endOk) issues.Add(ValidationIssue.Error($"{prefix}send_window.end", "invalid_time", "The window end must be a 24-hour time HH:mm (24:00 for the end of the day)."));
        if (startOk && endOk && end <= start)
            issues.Add(ValidationIssue.Error($"{prefix}send_window.end", "invalid_window", "The window must end after it starts."));
    }

    /// <param name="stepIds">Ids a route or reference of this step may name: the sequence's steps.</param>
    public static List<ValidationIssue> ValidateStep(StepInput step, IReadOnlySet<Guid> stepIds, string prefix = "")
    {
        var issues = new List<ValidationIssue>();
        if (step.StepType is null)
        {
            issues.Add(ValidationIssue.Error($"{prefix}step_type", "required", "step_type is required: email, delay, condition or action."));
            return issues;
        }

        MaxLength(issues, $"{prefix}name", step.Name, MaxNameLength);
        Range(issues, $"{prefix}delay_days", step.DelayDays, MaxDelayDays);
        Range(issues, $"{prefix}delay_hours", step.DelayHours, MaxDelayHours);
        if (step.SendTime is not null && !LocalTimes.TryParse(step.SendTime, out _))
            issues.Add(ValidationIssue.Error($"{prefix}send_time", "invalid_time", $"send_time '{Shorten(step.SendTime)}' must be a 24-hour time HH:mm."));
        if (step.PositionX is { } x && !double.IsFinite(x)) issues.Add(ValidationIssue.Error($"{prefix}position_x", "invalid_number", "position_x must be a finite number."));
        if (step.PositionY is { } y && !double.IsFinite(y)) issues.Add(ValidationIssue.Error($"{prefix}position_y", "invalid_number", "position_y must be a finite number."));

        switch (step.StepType)
        {
            case StepType.Email:
                ValidateEmail(issues, step, prefix);
                break;
            case StepType.Condition:
                ValidateCondition(issues, step, stepIds, prefix);
                break;
            case StepType.Action:
                ValidateAction(issues, step, prefix);
                break;
        }
        return issues;
    }

    private static void ValidateEmail(List<ValidationIssue> issues, StepInput step, string prefix)
    {
        MaxLength(issues, $"{prefix}subject_line", step.SubjectLine, MaxSubjectLength);
        MaxLength(issues, $"{prefix}body_html", step.BodyHtml, MaxBodyLength);
        MaxLength(issues, $"{prefix}body_text", step.BodyText, MaxBodyLength);
        MaxLength(issues, $"{prefix}variant", step.Variant, 20);
        if (step.AutoWinner is { } autoWinner) ValidateAutoWinner(issues, autoWinner, step.Variants, $"{prefix}auto_winner");
        if (step.Variants is not { Count: > 0 } variants) return;

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var p = $"{prefix}variants[{i}].";
            if (v is null)
            {
                issues.Add(ValidationIssue.Error($"{prefix}variants[{i}]", "required", "A variant must be an object."));
                continue;
            }
            RequireText(issues, $"{p}variant", v.Variant, 20);
            if (v.Variant is not null && !seen.Add(v.Variant))
                issues.Add(ValidationIssue.Error($"{p}variant", "duplicate", $"Variant '{Shorten(v.Variant)}' appears twice."));
            if (v.Weight is < 0 or > 1000)
                issues.Add(ValidationIssue.Error($"{p}weight", "out_of_range", "weight must be between 0 and 1000."));
            MaxLength(issues, $"{p}subject_line", v.SubjectLine, MaxSubjectLength);
            MaxLength(issues, $"{p}body_html", v.BodyHtml, MaxBodyLength);
            MaxLength(issues, $"{p}body_text", v.BodyText, MaxBodyLength);
        }
        if (variants.All(v => v is not null && v.Weight == 0))
            issues.Add(ValidationIssue.Error($"{prefix}variants", "out_of_range", "At least one variant needs a weight above 0."));
    }

    private static void ValidateAutoWinner(List<ValidationIssue> issues, AutoWinnerSettings rule, List<VariantInput>? variants, string field)
    {
        if ((variants?.Count ?? 0) < 2)
            issues.Add(ValidationIssue.Error(field, "needs_variants", "auto_winner needs at least two variants on the step."));
        if (rule.Metric is null)
            issues.Add(ValidationIssue.Error($"{field}.metric", "required", "metric is required: reply, open or click."));
        if (rule.MinSendsPerVariant is < 1 or > AutoWinnerSettings.MaxMinSends)
            issues.Add(ValidationIssue.Error($"{field}.min_sends_per_variant", "out_of_range", $"min_sends_per_variant must be from 1 to {AutoWinnerSettings.MaxMinSends}."));
        if (!double.IsFinite(rule.Confidence) || rule.Confidence is < 0.5 or > 0.999)
            issues.Add(ValidationIssue.Error($"{field}.confidence", "out_of_range", "confidence must be from 0.5 to 0.999 (e.g. 0.95)."));
    }

    private static void ValidateCondition(List<ValidationIssue> issues, StepInput step, IReadOnlySet<Guid> stepIds, string prefix)
    {
        if (step.ConditionType is null)
            issues.Add(ValidationIssue.Error($"{prefix}condition_type", "required", "A condition step needs condition_type: if_opened, if_clicked, if_replied or if_not_replied."));
        if (step.ConditionValue is not { } cv) return;

        var p = $"{prefix}condition_value.";
        if (cv.WithinDays is < 0 or > MaxDelayDays)
            issues.Add(ValidationIssue.Error($"{p}within_days", "out_of_range", $"within_days must be between 0 and {MaxDelayDays}."));
        if (cv.SkipTo is not null && cv.OnFalse is not null)
            issues.Add(ValidationIssue.Error($"{p}skip_to", "conflicting_fields", "Give either skip_to or on_false, not both."));
        CheckStepReference(issues, $"{p}skip_to", cv.SkipTo, stepIds);
        CheckStepReference(issues, $"{p}email_step_id", cv.EmailStepId, stepIds);
        CheckRoute(issues, $"{p}on_true", cv.OnTrue, stepIds);
        CheckRoute(issues, $"{p}on_false", cv.OnFalse, stepIds);
    }

    private static void CheckRoute(List<ValidationIssue> issues, string field, string? value, IReadOnlySet<Guid> stepIds)
    {
        if (value is null) return;
        if (!StepRoute.TryParse(value, out var route))
        {
            issues.Add(ValidationIssue.Error(field, "invalid_route", $"'{Shorten(value)}' is not a route: use \"continue\", \"stop\" or a step id."));
            return;
        }
        if (route.Kind == StepRouteKind.Jump) CheckStepReference(issues, field, route.StepId, stepIds);
    }

    private static void CheckStepReference(List<ValidationIssue> issues, string field, Guid? id, IReadOnlySet<Guid> stepIds)
    {
        if (id is { } value && !stepIds.Contains(value))
            issues.Add(ValidationIssue.Error(field, "unknown_step", $"Step {value} is not a step of this sequence."));
    }

    private static void ValidateAction(List<ValidationIssue> issues, StepInput step, string prefix)
    {
        if (step.ActionType is null)
        {
            issues.Add(ValidationIssue.Error($"{prefix}action_type", "required", "An action step needs action_type: update_status, tag_lead, notify_user or webhook."));
            return;
        }
        var config = step.ActionConfig ?? new ActionConfig();
        var p = $"{prefix}action_config.";
        switch (step.ActionType)
        {
            case ActionType.UpdateStatus: RequireText(issues, $"{p}status", config.Status, 50); break;
            case ActionType.TagLead: RequireText(issues, $"{p}tag", config.Tag, 100); break;
            case ActionType.NotifyUser: RequireText(issues, $"{p}message", config.Message, 2000); break;
            case ActionType.Webhook:
                if (!Uri.TryCreate(config.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || config.Url!.Length > 2000)
                    issues.Add(ValidationIssue.Error($"{p}url", "invalid_url", "A webhook needs an absolute http or https url."));
                break;
        }
    }

    private static void RequireText(List<ValidationIssue> issues, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
            issues.Add(ValidationIssue.Error(field, "required", $"{field} is required."));
        else
            MaxLength(issues, field, value, max);
    }

    private static void MaxLength(List<ValidationIssue> issues, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
            issues.Add(ValidationIssue.Error(field, "too_long", $"{field} is longer than {max} characters."));
    }

    /// <summary>The words the builder labels a number with, and the API's name for programs.</summary>
    private static string Named(string field)
    {
        var name = field[(field.LastIndexOf('.') + 1)..];
        var label = FieldLabels.Of(name);
        return label == name ? name : $"The {label} ({name})";
    }

    private static void Range(List<ValidationIssue> issues, string field, int? value, int max)
    {
        if (value is < 0)
            issues.Add(ValidationIssue.Error(field, "negative", $"{Named(field)} cannot be negative."));
        else if (value > max)
            issues.Add(ValidationIssue.Error(field, "out_of_range", $"{Named(field)} cannot be more than {max:N0}."));
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
