using Sequences.Core.Tracking;

namespace Sequences.Core.Engine;

/// <summary>Something a lead did (or we did) that conditions can ask about. StepId is the email step it belongs to, when known.</summary>
public sealed record EngagementFact(EngagementType Type, Guid? StepId, DateTime OccurredAt);
