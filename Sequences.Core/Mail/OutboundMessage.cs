using Sequences.Core.Common;

namespace Sequences.Core.Mail;

public enum OutboundStatus { Queued, Sending, Sent, Failed, Unknown }

/// <summary>One email of one enrollment's step; its unique idempotency key is what prevents a second send.</summary>
public sealed class OutboundMessage : TenantEntity
{
    public required string IdempotencyKey { get; set; }
    public required string MessageId { get; set; }
    public Guid StateId { get; set; }
    public Guid LeadId { get; set; }
    public Guid SequenceId { get; set; }
    public Guid StepId { get; set; }
    public string? Variant { get; set; }
    public required string ToAddress { get; set; }
    public string? FromAddress { get; set; }
    public string? Subject { get; set; }
    public OutboundStatus Status { get; set; } = OutboundStatus.Queued;
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    /// <summary>The links of the sent html, in order: a click token's index points here, so a click only ever
    /// redirects to a link that was really in the email.</summary>
    public List<string> Links { get; set; } = [];
}

/// <summary>A per-user sending account: from address, relay settings and pacing.</summary>
public sealed class Mailbox : TenantEntity
{
    public Guid UserId { get; set; }
    public required string FromAddress { get; set; }
    public string? DisplayName { get; set; }
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public string? SmtpSecurity { get; set; }
    public string? SmtpUsername { get; set; }
    public string? SmtpPassword { get; set; }
    public string? ImapHost { get; set; }
    public int? ImapPort { get; set; }
    public string? ImapUsername { get; set; }
    public string? ImapPassword { get; set; }
    public int DailyCap { get; set; } = 200;
    public int SpacingSeconds { get; set; }
    public string? Timezone { get; set; }
    public string? ImapSecurity { get; set; }
    /// <summary>Where the reply poller left off: IMAP UIDs are only comparable within one UIDVALIDITY.</summary>
    public long? ImapUidValidity { get; set; }
    public long? ImapLastUid { get; set; }
    public DateTime? ImapLastPolledAt { get; set; }
    public string? ImapLastError { get; set; }
}
