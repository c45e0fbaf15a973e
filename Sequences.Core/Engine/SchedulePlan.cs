namespace Sequences.Core.Engine;

/// <summary>When a step is due, and why it waits until then (empty when it is due at once), in the order the rules applied.</summary>
public sealed record SchedulePlan(DateTime DueAt, IReadOnlyList<WaitReason> Reasons);
