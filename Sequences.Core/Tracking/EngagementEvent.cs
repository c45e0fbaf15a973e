using Sequences.Core.Common;

namespace Sequences.Core.Tracking;

public enum EngagementType { Sent, Opened, Clicked, Replied, Bounced, Unsubscribed, OutOfOffice, SoftBounced }

public sealed class EngagementEvent : ITenantOwned
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public Guid LeadId { get; set; }
    public Guid? MessageId { get; set; }
    public Guid? SequenceId { get; set; }
    public Guid? StepId { get; set; }
    public EngagementType Type { get; set; }
    public DateTime OccurredAt { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
}

/// <summary>An address this tenant never mails again.</summary>
public sealed class Suppression : ITenantOwned
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public required string Email { get; set; }
    /// <summary>unsubscribed, bounced or manual.</summary>
    public required string Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public required string Message { get; set; }
    public Guid? LeadId { get; set; }
    public Guid? SequenceId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}
