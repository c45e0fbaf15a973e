namespace Sequences.Infrastructure.Replies;

/// <summary>IMAP reply polling, bound from <c>Sequences:Replies</c>.</summary>
public sealed class ReplyOptions
{
    public const string Section = "Sequences:Replies";

    /// <summary>How often the Quartz job polls every mailbox; zero or less turns the job off.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Network timeout of one IMAP command.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When a mailbox has no usable position yet (first poll), only mail that arrived this recently is read:
    /// a reply that came in shortly before IMAP was configured still counts, years of old mail are not scanned.</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Cap per mailbox and poll, so one huge inbox cannot hold up the others; the rest comes next poll.</summary>
    public int MaxMessagesPerPoll { get; set; } = 200;
}
