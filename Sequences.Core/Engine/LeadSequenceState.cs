using Sequences.Core.Common;

namespace Sequences.Core.Engine;

public enum EnrollmentStatus { Active, Paused, Completed, Stopped }

/// <summary>One lead's place in one sequence (the seed's <c>lead_sequence_state</c>).</summary>
public sealed class LeadSequenceState : TenantEntity
{
    public Guid LeadId { get; set; }
    /// <summary>Null for a lead enrolled by hand.</summary>
    public Guid? CampaignId { get; set; }
    public Guid SequenceId { get; set; }
    public int Version { get; set; } = 1;
    public Guid? CurrentStepId { get; set; }
    public int CurrentStepOrder { get; set; }
    public EnrollmentStatus Status { get; set; } = EnrollmentStatus.Active;
    public DateTime StartedAt { get; set; }
    public DateTime? NextActionAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? StoppedReason { get; set; }
    public int EmailsSent { get; set; }
    public int EmailsOpened { get; set; }
    public int EmailsClicked { get; set; }
    public int EmailsReplied { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    /// <summary>Which host's pass holds this state, and until when (a dead host's lease expires).</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

public enum LogResult { Success, Failed, Skipped }

/// <summary>Every action the engine or a person took on an enrollment (the seed's <c>sequence_execution_log</c>).</summary>
public sealed class SequenceExecutionLog : ITenantOwned
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public Guid LeadId { get; set; }
    public Guid SequenceId { get; set; }
    /// <summary>Null for events that belong to no step (enrolled, auto-stopped).</summary>
    public Guid? StepId { get; set; }
    public required string ActionType { get; set; }
    public LogResult ActionResult { get; set; } = LogResult.Success;
    public string? ErrorMessage { get; set; }
    public int? StepOrder { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public DateTime ExecutedAt { get; set; }
}
