using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;

namespace Sequences.Core.Explain;

/// <summary>Everything the explainer reads about one enrollment, loaded by the caller; the explainer does no I/O.</summary>
/// <param name="Sequence">With its steps (every version; the state's version is used).</param>
/// <param name="Log">This lead's log entries in this sequence.</param>
/// <param name="Messages">This enrollment's outbound messages.</param>
/// <param name="Suppressed">The address is on the tenant's suppression list.</param>
/// <param name="Issues">The sequence's validation issues.</param>
public sealed record ExplainInput(
    LeadSequenceState State, Sequence Sequence, Lead Lead, TimeZoneInfo Zone, bool Suppressed,
    IReadOnlyList<SequenceExecutionLog> Log, IReadOnlyList<OutboundMessage> Messages, IReadOnlyList<ValidationIssue> Issues, DateTime Now);
