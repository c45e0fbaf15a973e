using System.Text.RegularExpressions;

namespace Sequences.Core.Mail;

/// <summary>An email an enrollment already sent: what a later email of the same thread replies to.</summary>
public sealed record SentMail(string MessageId, string? Subject, DateTime SentAt);

/// <summary>How a same-thread email continues the conversation: its subject and threading headers (msg-ids with
/// their angle brackets, oldest reference first).</summary>
public sealed record ThreadReply(string Subject, string InReplyTo, IReadOnlyList<string> References);

/// <summary>The rules of a same-thread email step: it answers the enrollment's last sent email, as a person's
/// follow-up would, so mail clients show one conversation.</summary>
public static partial class EmailThread
{
    /// <summary>Enough to keep the conversation together in every client; a long thread needs no more.</summary>
    public const int MaxReferences = 10;

    /// <returns>The reply to the last of <paramref name="sent"/>, or null when nothing was sent yet (the step then
    /// goes out as a new email with its own subject), or when that email had no subject to answer.</returns>
    /// <remarks>References name the earlier emails of the same conversation (same subject once "Re:" is taken off),
    /// so an email that started a new subject starts a new thread.</remarks>
    public static ThreadReply? ReplyTo(IEnumerable<SentMail> sent)
    {
        var ordered = sent.OrderBy(m => m.SentAt).ToList();
        if (ordered.Count == 0) return null;
        var last = ordered[^1];
        if (ReplySubject(last.Subject) is not { } subject) return null;
        var topic = Topic(last.Subject);
        var references = ordered.Where(m => Topic(m.Subject) == topic).Select(m => m.MessageId).TakeLast(MaxReferences).ToList();
        return new ThreadReply(subject, last.MessageId, references);
    }

    /// <summary>"Re: " and the subject's topic, as a reply to it reads; null when there is no subject to answer.</summary>
    public static string? ReplySubject(string? subject) => Topic(subject) is { Length: > 0 } topic ? "Re: " + topic : null;

    /// <summary>The subject without its reply prefixes ("Re:", "RE :", "Re: Re:"), as clients compare them.</summary>
    public static string Topic(string? subject) => subject is null ? "" : ReplyPrefix().Replace(subject, "").Trim();

    [GeneratedRegex(@"^(\s*re\s*:\s*)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();
}
