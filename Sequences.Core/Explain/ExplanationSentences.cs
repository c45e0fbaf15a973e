using System.Globalization;
using Sequences.Core.Engine;

namespace Sequences.Core.Explain;

/// <summary>What a sentence may mention: when, until when, the engine's own detail, the A/B variant.</summary>
public sealed record SentenceFacts(TimeZoneInfo Zone, DateTime? At = null, DateTime? Until = null, string? Detail = null, string? Variant = null);

/// <summary>The explainer's words: the one place the API and the UI take them from.</summary>
public static class ExplanationSentences
{
    public static string For(ExplainCode code, SentenceFacts f) => code switch
    {
        ExplainCode.EmailSent => $"Email sent{Variant(f)} {On(f.At, f)}.",
        ExplainCode.EmailFailed => $"The email failed {On(f.At, f)}{Because(f)}; it was not sent.",
        ExplainCode.ActionRun => $"Action ran {On(f.At, f)}.",
        ExplainCode.ConditionEvaluated => $"Condition evaluated {On(f.At, f)}{Because(f)}.",
        ExplainCode.DelayCompleted => $"Delay finished {On(f.At, f)}.",
        ExplainCode.StepSkipped => $"Skipped by hand {On(f.At, f)}.",
        ExplainCode.RoutedPast => "Not run: a condition routed the lead past this step.",

        ExplainCode.Delay => $"The step's wait: {Lower(f.Detail) ?? "waits"} after the previous step{Until(f)}.",
        ExplainCode.SendTime => $"The step's send time: {Lower(f.Detail) ?? "a fixed local time"}{Until(f)}.",
        ExplainCode.SendWindow => $"{SendWindow(f.Detail)}{Until(f)}.",
        ExplainCode.Weekend => $"Business days only: {Lower(f.Detail) ?? "no email at the weekend"}{Until(f)}.",
        ExplainCode.Holiday => $"Public holiday: {Lower(f.Detail) ?? "no email on holidays"}{Until(f)}.",
        ExplainCode.MailboxCap => $"Mailbox daily cap: {Lower(f.Detail) ?? "the mailbox sent its daily maximum"}{Until(f)}.",
        ExplainCode.Spacing => $"Mailbox spacing: {Lower(f.Detail) ?? "emails from one mailbox are spaced out"}{Until(f)}.",
        ExplainCode.DomainCap => $"Per-domain hourly cap: {Lower(f.Detail) ?? "too many emails to this domain this hour"}{Until(f)}.",
        ExplainCode.SendRetry => $"A temporary send failure{Because(f)}: retries{Until(f)}.",
        ExplainCode.DueNow => $"Due since {When(f.At, f)}: the next scheduler pass runs it.",
        ExplainCode.VersionMoved => $"Moved here when a new version was published {On(f.At, f)}{Because(f)}; it kept the time it was due{Until(f)}.",
        ExplainCode.LeadPausedUntil => $"The lead's sequence is paused{Because(f)}{Until(f)}, then resumes by itself.",

        ExplainCode.LeadPaused => $"The lead is paused in this sequence{Since(f)}: nothing runs until someone resumes it.",
        ExplainCode.SequencePaused => "The sequence is paused: no lead moves until it is resumed.",
        ExplainCode.SequenceDraft => "The sequence is a draft: nothing runs until it is started.",
        ExplainCode.SequenceArchived => "The sequence is archived: nothing runs any more.",
        ExplainCode.Suppressed => $"The address is suppressed{Because(f)}: it is never mailed again.",
        ExplainCode.Stopped => $"Stopped{Since(f)}{Because(f)}: no further steps run.",
        ExplainCode.Completed => $"The sequence finished for this lead{Since(f)}{Because(f)}.",
        ExplainCode.UnknownOutcome => $"Nobody knows whether the last email went out{Since(f)}: it is not re-sent automatically; decide on the queue page.",
        ExplainCode.ValidationError => $"The sequence has an error{Because(f)}.",
        _ => f.Detail ?? "No further detail.",
    };

    /// <summary>The headline of a step: its status and, when it has one, its time.</summary>
    public static string ForStep(StepStatus status, SentenceFacts f) => status switch
    {
        StepStatus.Done => $"Done {On(f.At, f)}{Variant(f)}.",
        StepStatus.Skipped => "Skipped.",
        StepStatus.Next => f.At is null ? "Next: not scheduled." : $"Next: {When(f.At, f)}.",
        StepStatus.Blocked => f.At is null ? "Blocked." : $"Blocked; it was due {When(f.At, f)}.",
        StepStatus.Upcoming => "Later: after the steps before it.",
        _ => "Not reached.",
    };

    /// <summary>One line for the whole enrollment: the first blocker, else the next step.</summary>
    public static string Summary(IReadOnlyList<ExplanationReason> blockers, StepExplanation? next) =>
        blockers.Count > 0 ? blockers[0].Sentence
        : next is null ? "Nothing is scheduled."
        : $"Step {next.StepOrder} ({next.Name ?? next.StepType.ToString().ToLowerInvariant()}): {next.Sentence}";

    /// <summary>A UTC instant as the lead's wall time and as UTC, e.g. "Tue 3 Mar 2026 09:00 Europe/Berlin (08:00 UTC)".</summary>
    public static string When(DateTime? utc, SentenceFacts f)
    {
        if (utc is not { } at) return "an unknown time";
        var local = Schedule.ToLocal(at, f.Zone);
        var inv = CultureInfo.InvariantCulture;
        var utcText = Schedule.AsUtc(at).ToString(local.Date == Schedule.AsUtc(at).Date ? "HH:mm" : "ddd d MMM HH:mm", inv);
        return f.Zone == TimeZoneInfo.Utc || f.Zone.Id is "UTC" or "Etc/UTC"
            ? $"{local.ToString("ddd d MMM yyyy HH:mm", inv)} UTC"
            : $"{local.ToString("ddd d MMM yyyy HH:mm", inv)} {f.Zone.Id} ({utcText} UTC)";
    }

    private static string On(DateTime? at, SentenceFacts f) => $"on {When(at, f)}";
    private static string Until(SentenceFacts f) => f.Until is null ? "" : $", until {When(f.Until, f)}";
    private static string Since(SentenceFacts f) => f.At is null ? "" : $" since {When(f.At, f)}";
    private static string Because(SentenceFacts f) => string.IsNullOrWhiteSpace(f.Detail) ? "" : $" ({f.Detail.TrimEnd('.')})";
    private static string Variant(SentenceFacts f) => f.Variant is null ? "" : $" (variant {f.Variant})";
    // The engine's own reason already reads "Outside the send window 09:00-17:00 (Europe/Berlin)": said once, not twice.
    private static string SendWindow(string? detail) =>
        detail?.StartsWith("Outside the send window", StringComparison.OrdinalIgnoreCase) == true
            ? detail
            : $"Outside the send window: {Lower(detail) ?? "emails go out only inside it"}";
    private static string? Lower(string? s) => string.IsNullOrEmpty(s) ? null : char.ToLowerInvariant(s[0]) + s[1..];
}
