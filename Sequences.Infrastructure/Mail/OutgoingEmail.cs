namespace Sequences.Infrastructure.Mail;

/// <summary>A rendered email, ready to become a MIME message. Content is final: no templating happens past this point.</summary>
/// <param name="IdempotencyKey">The outbound message's key; the Message-ID is derived from it, so a re-send is recognisable.</param>
/// <param name="UnsubscribeUrl">Absolute http(s) URL for List-Unsubscribe and RFC 8058 one-click.</param>
/// <param name="UnsubscribeMailto">An address (or mailto: URI) offered as the second List-Unsubscribe option.</param>
/// <param name="Headers">Extra headers (X-*, Feedback-ID, ...); the headers this library sets itself cannot be overridden.</param>
/// <param name="InReplyTo">The msg-id (with angle brackets) this email answers, for a same-thread step.</param>
/// <param name="References">The msg-ids of the conversation so far, oldest first.</param>
public sealed record OutgoingEmail(
    string FromAddress,
    string? FromName,
    string ToAddress,
    string? ToName,
    string Subject,
    string? Html,
    string? Text,
    string IdempotencyKey,
    string? UnsubscribeUrl = null,
    string? UnsubscribeMailto = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? InReplyTo = null,
    IReadOnlyList<string>? References = null)
{
    /// <summary>The Message-ID (with angle brackets) this email will carry.</summary>
    public string MessageId => MessageIds.FromIdempotencyKey(IdempotencyKey, MessageIds.DomainOf(FromAddress));
}
