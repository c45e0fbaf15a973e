using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;

namespace Sequences.Infrastructure.Engine;

/// <summary>Between stored rows and the pure engine's types.</summary>
internal static class EnrollmentMapping
{
    /// <summary>The steps one enrollment runs on: its own version's (default: the live one, for new enrollments).</summary>
    public static SequencePlan Plan(Sequence sequence, int? version = null)
    {
        var runs = version ?? sequence.Version;
        return new(sequence.Id, sequence.Steps.Where(s => s.Version == runs), sequence.Settings);
    }

    public static IReadOnlyDictionary<int, SequencePlan> Plans(Sequence sequence) =>
        sequence.Steps.Select(s => s.Version).Append(sequence.Version).Distinct().ToDictionary(v => v, v => Plan(sequence, v));

    /// <summary>The lead's zone: the lead's, else the sequence's, else the tenant's default, else UTC.</summary>
    public static TimeZoneInfo Zone(Lead lead, SequenceSettings settings, string? tenantDefault) =>
        TimeZones.Resolve(lead.Timezone, settings.Timezone, tenantDefault);

    public static EnrollmentCursor Cursor(LeadSequenceState state) => new()
    {
        CurrentStepId = state.CurrentStepId,
        CurrentStepOrder = state.CurrentStepOrder,
        NextActionAt = state.NextActionAt,
        Finished = state.Status is EnrollmentStatus.Completed or EnrollmentStatus.Stopped,
        Stopped = state.Status == EnrollmentStatus.Stopped,
        StoppedReason = state.StoppedReason,
    };

    public static void Apply(EnrollmentCursor cursor, LeadSequenceState state, DateTime now)
    {
        state.CurrentStepId = cursor.CurrentStepId;
        state.CurrentStepOrder = cursor.CurrentStepOrder;
        state.NextActionAt = cursor.NextActionAt;
        if (!cursor.Finished) return;
        state.Status = cursor.Stopped ? EnrollmentStatus.Stopped : EnrollmentStatus.Completed;
        state.StoppedReason = cursor.StoppedReason;
        state.CompletedAt ??= now;
        state.NextActionAt = null;
    }

    public static SequenceExecutionLog Log(LeadSequenceState state, EngineLogEntry entry, LogResult result = LogResult.Success, string? error = null) => new()
    {
        Id = RowIds.New(),
        TenantId = state.TenantId,
        LeadId = state.LeadId,
        SequenceId = state.SequenceId,
        StepId = entry.StepId,
        StepOrder = entry.StepOrder,
        ActionType = entry.ActionType,
        ActionResult = result,
        ErrorMessage = error,
        Metadata = entry.Metadata.ToDictionary(),
        ExecutedAt = entry.At,
    };

    public static SequenceExecutionLog Log(LeadSequenceState state, string actionType, DateTime at, SequenceStep? step = null,
        LogResult result = LogResult.Success, string? error = null, Dictionary<string, string>? metadata = null) => new()
    {
        Id = RowIds.New(),
        TenantId = state.TenantId,
        LeadId = state.LeadId,
        SequenceId = state.SequenceId,
        StepId = step?.Id,
        StepOrder = step?.StepOrder,
        ActionType = actionType,
        ActionResult = result,
        ErrorMessage = error is { Length: > 2000 } ? error[..2000] : error,
        Metadata = metadata ?? [],
        ExecutedAt = at,
    };
}
