namespace Sequences.Core.Explain;

/// <summary>
/// Every reason the explainer can give. A new reason is one value here and one sentence in
/// <see cref="ExplanationSentences"/>; an engine wait reason or a <c>send_deferred</c> <c>reason_code</c>
/// whose snake_case name matches a value is picked up without further code.
/// </summary>
public enum ExplainCode
{
    // What happened on a step.
    EmailSent,
    EmailFailed,
    ActionRun,
    ConditionEvaluated,
    DelayCompleted,
    StepSkipped,
    RoutedPast,

    // Why the next step runs when it does (the engine's rules and the pass's holds).
    Delay,
    SendTime,
    SendWindow,
    Weekend,
    Holiday,
    MailboxCap,
    Spacing,
    DomainCap,
    SendRetry,
    DueNow,
    LeadPausedUntil,
    VersionMoved,

    // Why nothing goes out.
    LeadPaused,
    SequencePaused,
    SequenceDraft,
    SequenceArchived,
    Suppressed,
    Stopped,
    Completed,
    UnknownOutcome,
    ValidationError,

    /// <summary>A reason the engine gave that this list does not know yet: its own words are shown.</summary>
    Other,
}

/// <summary>Where a step stands for this enrollment.</summary>
public enum StepStatus { Done, Skipped, Next, Blocked, Upcoming, NotReached }
