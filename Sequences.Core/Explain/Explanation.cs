using Sequences.Core.Sequences;

namespace Sequences.Core.Explain;

/// <summary>One reason, in the same words for the API and the UI, with the log entries it was read from.</summary>
/// <param name="At">When it happened or was decided (UTC).</param>
/// <param name="Until">When it stops holding the step back (UTC), if it does.</param>
public sealed record ExplanationReason(ExplainCode Code, string Sentence, DateTime? At, DateTime? Until, IReadOnlyList<Guid> LogEntryIds);

/// <summary>One step of the sequence as this enrollment sees it.</summary>
/// <param name="At">Done: when; next or blocked: when it is due (UTC).</param>
/// <param name="AtLocal"><paramref name="At"/> as a wall time in the lead's zone.</param>
public sealed record StepExplanation(
    Guid StepId, int StepOrder, StepType StepType, string? Name, StepStatus Status, string Sentence,
    DateTime? At, DateTime? AtLocal, string? Variant, IReadOnlyList<ExplanationReason> Reasons, IReadOnlyList<Guid> LogEntryIds);

/// <summary>Why a lead's enrollment is where it is: what blocks it as a whole, and every step.</summary>
public sealed record Explanation(
    Guid LeadId, Guid SequenceId, string Timezone, DateTime Now, string Summary,
    IReadOnlyList<ExplanationReason> Blockers, IReadOnlyList<StepExplanation> Steps);
