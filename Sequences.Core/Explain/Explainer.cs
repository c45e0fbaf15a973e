using System.Globalization;
using System.Text.Json;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;

namespace Sequences.Core.Explain;

/// <summary>
/// "Why not sent": a pure function over one enrollment's stored data. The timing reasons come from the
/// engine's own rules (<see cref="Schedule"/>) replayed from the log, and from the holds the pass logged,
/// so the explainer never states a rule of its own.
/// </summary>
public static class Explainer
{
    private static readonly HashSet<string> StopEntries = ["auto_stopped", "removed", "email_suppressed", "email_failed", "condition_evaluated"];

    public static Explanation Explain(ExplainInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = input.State;
        var steps = input.Sequence.Steps.Where(s => s.Version == state.Version).OrderBy(s => s.StepOrder).ToList();
        var log = input.Log.OrderBy(l => l.ExecutedAt).ThenBy(l => l.Id).ToList();
        var ended = state.Status is EnrollmentStatus.Completed or EnrollmentStatus.Stopped;
        var blockers = Blockers(input, log);
        var current = ended ? null : steps.FirstOrDefault(s => s.Id == state.CurrentStepId);

        var earlier = EarlierVersions(input.Sequence.Steps);
        var explained = steps.Select(step => step == current
            ? Current(input, step, log, blockers)
            : Past(input, step, earlier.GetValueOrDefault(step.Id, []), log, current, ended, blockers)).ToList();
        var next = explained.FirstOrDefault(s => s.Status is StepStatus.Next or StepStatus.Blocked);
        return new Explanation(state.LeadId, state.SequenceId, input.Zone.Id, input.Now,
            ExplanationSentences.Summary(blockers, next), blockers, explained);
    }

    /// <summary>Each step's copies' sources, back through every earlier version (a step copied into v3 from v2 from v1).</summary>
    private static Dictionary<Guid, HashSet<Guid>> EarlierVersions(IReadOnlyList<SequenceStep> allSteps)
    {
        var byId = allSteps.ToDictionary(s => s.Id);
        var result = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var step in allSteps)
        {
            var sources = new HashSet<Guid>();
            for (var source = step.SourceStepId; source is { } id && byId.TryGetValue(id, out var older) && sources.Add(id);)
                source = older.SourceStepId;
            if (sources.Count > 0) result[step.Id] = sources;
        }
        return result;
    }

    /// <summary>What holds the whole enrollment back, most decisive first.</summary>
    private static List<ExplanationReason> Blockers(ExplainInput input, List<SequenceExecutionLog> log)
    {
        var (state, lead) = (input.State, input.Lead);
        var reasons = new List<ExplanationReason>();
        void Add(ExplainCode code, DateTime? at, string? detail, params SequenceExecutionLog?[] entries) =>
            reasons.Add(Reason(input, code, at, null, detail, null, entries));

        switch (state.Status)
        {
            case EnrollmentStatus.Stopped:
                Add(ExplainCode.Stopped, state.CompletedAt, Words(state.StoppedReason), LastStopEntry(log));
                return reasons;
            case EnrollmentStatus.Completed:
                Add(ExplainCode.Completed, state.CompletedAt, Words(state.StoppedReason), LastStopEntry(log));
                return reasons;
            case EnrollmentStatus.Paused:
                var paused = log.LastOrDefault(l => l.ActionType == "paused");
                Add(ExplainCode.LeadPaused, paused?.ExecutedAt, null, paused);
                break;
        }

        if (lead.UnsubscribedAt is not null || lead.BouncedAt is not null || input.Suppressed)
            Add(ExplainCode.Suppressed, lead.UnsubscribedAt ?? lead.BouncedAt,
                lead.UnsubscribedAt is not null ? "unsubscribed" : lead.BouncedAt is not null ? "bounced" : "on the suppression list");

        switch (input.Sequence.Status)
        {
            case SequenceStatus.Paused: Add(ExplainCode.SequencePaused, null, null); break;
            case SequenceStatus.Draft: Add(ExplainCode.SequenceDraft, null, null); break;
            case SequenceStatus.Archived: Add(ExplainCode.SequenceArchived, null, null); break;
        }

        var message = input.Messages.FirstOrDefault(m => m.StepId == state.CurrentStepId);
        var unknown = log.LastOrDefault(l => l.ActionType == "send_outcome_unknown" && l.StepId == state.CurrentStepId);
        if (message?.Status == OutboundStatus.Unknown || (unknown is not null && state.NextActionAt is null))
            Add(ExplainCode.UnknownOutcome, unknown?.ExecutedAt, null, unknown);

        foreach (var issue in input.Issues.Where(i => i.Severity == IssueSeverity.Error && (i.StepId is null || i.StepId == state.CurrentStepId)))
            Add(ExplainCode.ValidationError, null, issue.Message);
        return reasons;
    }

    /// <summary>The step the enrollment is on: when it is due and every rule that put it there.</summary>
    private static StepExplanation Current(ExplainInput input, SequenceStep step, List<SequenceExecutionLog> log, List<ExplanationReason> blockers)
    {
        var state = input.State;
        var stepLog = log.Where(l => l.StepId == step.Id).ToList();
        var reasons = new List<ExplanationReason>();

        // The wait was planned when the lead arrived on the step: the engine logs that moment, so the
        // same plan is replayed from it with the same rules.
        var scheduled = stepLog.LastOrDefault(l => l.ActionType is "step_scheduled" or "delay_started");
        if (scheduled is not null)
        {
            var plan = Schedule.Plan(step, scheduled.ExecutedAt, input.Zone, input.Sequence.Settings);
            reasons.AddRange(plan.Reasons.Select(r => Reason(input, Parse(r.Code), scheduled.ExecutedAt, plan.DueAt, r.Message, null, scheduled)));
        }

        // A publish moved the lead here from the same or another step of an earlier version: it kept its due time.
        var moved = stepLog.LastOrDefault(l => l.ActionType == "version_moved");
        if (moved is not null && (scheduled is null || moved.ExecutedAt >= scheduled.ExecutedAt))
            reasons.Add(Reason(input, ExplainCode.VersionMoved, moved.ExecutedAt, state.NextActionAt,
                $"from version {Meta(moved, "from_version")}, step {Meta(moved, "from_step_order")}, to version {Meta(moved, "to_version")}", null, moved));

        foreach (var deferred in stepLog.Where(l => l.ActionType == "send_deferred" && (scheduled is null || l.ExecutedAt >= scheduled.ExecutedAt)))
            reasons.AddRange(Deferral(input, deferred));

        // An out-of-office reply, or a person's snooze, moved the enrollment to a later morning (logged without a step).
        var away = log.LastOrDefault(l => l.ActionType is "ooo_paused_until" or Snooze.LogAction && (scheduled is null || l.ExecutedAt >= scheduled.ExecutedAt));
        if (away is not null && away.Metadata.TryGetValue("until", out var until)
            && DateTime.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var back)
            && back > input.Now)
            reasons.Add(Reason(input, ExplainCode.LeadPausedUntil, away.ExecutedAt, back,
                away.ActionType == Snooze.LogAction ? "snoozed by hand"
                : away.Metadata.TryGetValue("phrase", out var phrase) ? $"out of office: \"{phrase}\"" : "out of office", null, away));

        var message = input.Messages.FirstOrDefault(m => m.StepId == step.Id);
        if (message is { Status: OutboundStatus.Queued, Attempts: > 0 })
            reasons.Add(Reason(input, ExplainCode.SendRetry, null, message.NextAttemptAt, message.LastError, null,
                stepLog.LastOrDefault(l => l.ActionType == "send_retry")));

        var due = state.NextActionAt;
        if (blockers.Count == 0 && state.Status == EnrollmentStatus.Active && due is { } at && at <= input.Now)
        {
            reasons.Add(Reason(input, ExplainCode.DueNow, at, null, null, null));
            if (step.StepType == StepType.Email)
            {
                // Overdue email: the next pass still holds it for the window, by the engine's rule.
                var window = Schedule.WindowCheck(input.Now, input.Zone, input.Sequence.Settings);
                reasons.AddRange(window.Reasons.Select(r => Reason(input, Parse(r.Code), input.Now, window.DueAt, r.Message, null)));
                if (window.DueAt > input.Now) due = window.DueAt;
            }
        }

        var status = blockers.Count > 0 ? StepStatus.Blocked : StepStatus.Next;
        var all = blockers.Concat(reasons).ToList();
        return Step(input, step, status, due, null, all, stepLog);
    }

    /// <summary>A step the enrollment is not on: done (with what happened), or not yet / never reached.</summary>
    /// <param name="earlier">The same step in earlier versions: a lead moved by a publish did it there.</param>
    private static StepExplanation Past(ExplainInput input, SequenceStep step, HashSet<Guid> earlier, List<SequenceExecutionLog> log,
        SequenceStep? current, bool ended, List<ExplanationReason> blockers)
    {
        bool Same(Guid? id) => id == step.Id || id is { } other && earlier.Contains(other);
        var stepLog = log.Where(l => Same(l.StepId)).ToList();
        var message = input.Messages.FirstOrDefault(m => m.StepId == step.Id) ?? input.Messages.FirstOrDefault(m => Same(m.StepId));
        var reasons = new List<ExplanationReason>();
        var status = StepStatus.Done;
        DateTime? at = null;

        if (message?.Status == OutboundStatus.Sent)
        {
            at = message.SentAt;
            reasons.Add(Reason(input, ExplainCode.EmailSent, at, null, null, message.Variant, stepLog.LastOrDefault(l => l.ActionType == "email_sent")));
        }
        foreach (var entry in stepLog)
        {
            var code = entry.ActionType switch
            {
                "email_failed" => ExplainCode.EmailFailed,
                "action_run" => ExplainCode.ActionRun,
                "condition_evaluated" => ExplainCode.ConditionEvaluated,
                "delay_completed" => ExplainCode.DelayCompleted,
                "step_skipped" => ExplainCode.StepSkipped,
                "email_sent" when message?.Status != OutboundStatus.Sent => ExplainCode.EmailSent,
                _ => (ExplainCode?)null,
            };
            if (code is null) continue;
            var detail = code == ExplainCode.ConditionEvaluated ? ConditionDetail(entry) : entry.ErrorMessage;
            reasons.Add(Reason(input, code.Value, entry.ExecutedAt, null, detail, Meta(entry, "variant"), entry));
            at = entry.ExecutedAt;
            if (code == ExplainCode.StepSkipped) status = StepStatus.Skipped;
        }

        if (reasons.Count == 0)
        {
            var reachedPast = current is not null ? step.StepOrder < current.StepOrder : ended && step.StepOrder < input.State.CurrentStepOrder;
            if (reachedPast)
            {
                status = StepStatus.Skipped;
                reasons.Add(Reason(input, ExplainCode.RoutedPast, null, null, null, null));
            }
            else if (ended && step.Id == input.State.CurrentStepId && input.State.Status == EnrollmentStatus.Stopped)
            {
                status = StepStatus.Blocked; // the step it was stopped on
                reasons.AddRange(blockers);
            }
            else status = ended ? StepStatus.NotReached : StepStatus.Upcoming;
        }
        return Step(input, step, status, at, message?.Status == OutboundStatus.Sent ? message.Variant : null, reasons, stepLog);
    }

    private static StepExplanation Step(ExplainInput input, SequenceStep step, StepStatus status, DateTime? at, string? variant,
        List<ExplanationReason> reasons, List<SequenceExecutionLog> stepLog)
    {
        var facts = new SentenceFacts(input.Zone, at, Variant: variant);
        return new StepExplanation(step.Id, step.StepOrder, step.StepType, step.Name, status, ExplanationSentences.ForStep(status, facts),
            at, at is { } t ? Schedule.ToLocal(t, input.Zone) : null, variant, reasons, stepLog.Select(l => l.Id).ToList());
    }

    /// <summary>A hold the pass logged: the cap/spacing code it wrote, or, for the engine's window hold, the window rule replayed at that moment.</summary>
    private static IEnumerable<ExplanationReason> Deferral(ExplainInput input, SequenceExecutionLog entry)
    {
        var until = ParseTime(Meta(entry, "until"));
        if (Meta(entry, "reason_code") is { } code)
            return [Reason(input, Parse(code), entry.ExecutedAt, until, Meta(entry, "reason"), null, entry)];
        var window = Schedule.WindowCheck(entry.ExecutedAt, input.Zone, input.Sequence.Settings);
        if (window.Reasons.Count == 0)
            return [Reason(input, ExplainCode.Other, entry.ExecutedAt, until, Meta(entry, "reason"), null, entry)];
        return window.Reasons.Select(r => Reason(input, Parse(r.Code), entry.ExecutedAt, until ?? window.DueAt, r.Message, null, entry));
    }

    private static ExplanationReason Reason(ExplainInput input, ExplainCode code, DateTime? at, DateTime? until, string? detail, string? variant,
        params SequenceExecutionLog?[] entries)
    {
        var sentence = ExplanationSentences.For(code, new SentenceFacts(input.Zone, at, until, detail, variant));
        return new ExplanationReason(code, sentence, at, until, entries.OfType<SequenceExecutionLog>().Select(e => e.Id).ToList());
    }

    /// <summary>An engine or pass reason code ("send_window", "mailbox_cap") to its value; an unknown one stays visible as <see cref="ExplainCode.Other"/>.</summary>
    public static ExplainCode Parse(string? code)
    {
        foreach (var value in Enum.GetValues<ExplainCode>())
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), code, StringComparison.Ordinal))
                return value;
        return ExplainCode.Other;
    }

    private static SequenceExecutionLog? LastStopEntry(List<SequenceExecutionLog> log) =>
        log.LastOrDefault(l => StopEntries.Contains(l.ActionType) && (l.ActionType != "condition_evaluated" || Meta(l, "route")?.Contains("Stop", StringComparison.OrdinalIgnoreCase) == true));

    private static string? ConditionDetail(SequenceExecutionLog entry) =>
        string.Join(" ", new[] { Meta(entry, "why"), Meta(entry, "result") is { } r ? $"result {r}" : null }.Where(s => !string.IsNullOrEmpty(s)));

    private static string? Meta(SequenceExecutionLog entry, string key) => entry.Metadata.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    private static DateTime? ParseTime(string? iso) =>
        DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static string? Words(string? reason) => reason?.Replace('_', ' ');
}
