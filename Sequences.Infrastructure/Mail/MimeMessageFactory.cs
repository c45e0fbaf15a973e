using MimeKit;
using MimeKit.Text;

namespace Sequences.Infrastructure.Mail;

/// <summary>Builds the MIME message for an <see cref="OutgoingEmail"/>: the one place that decides what goes on the wire.</summary>
public sealed class MimeMessageFactory(TimeProvider clock)
{
    public const string ListUnsubscribe = "List-Unsubscribe";
    public const string ListUnsubscribePost = "List-Unsubscribe-Post";
    public const string OneClick = "List-Unsubscribe=One-Click";

    // Headers this factory owns; letting extras replace them would break threading, unsubscribe or idempotency.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Sender", "Reply-To", "Subject", "Message-ID", "Date", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", ListUnsubscribe, ListUnsubscribePost, "In-Reply-To", "References",
    };

    /// <exception cref="ArgumentException">An address is not valid, an extra header is reserved, or the email has no body.</exception>
    public MimeMessage Create(OutgoingEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (string.IsNullOrEmpty(email.Html) && email.Text is null)
            throw new ArgumentException("An email needs an html or a text body.", nameof(email));

        var message = new MimeMessage();
        message.From.Add(Mailbox(email.FromName, email.FromAddress, nameof(email.FromAddress)));
        message.To.Add(Mailbox(email.ToName, email.ToAddress, nameof(email.ToAddress)));
        message.Subject = email.Subject;
        message.Date = clock.GetUtcNow();
        message.MessageId = MessageIds.Bare(email.MessageId);
        if (!string.IsNullOrEmpty(email.InReplyTo)) message.InReplyTo = MessageIds.Bare(email.InReplyTo);
        foreach (var reference in email.References ?? []) message.References.Add(MessageIds.Bare(reference));

        if (UnsubscribeHeader(email) is { } unsubscribe)
        {
            message.Headers.Add(ListUnsubscribe, unsubscribe);
            // One-click (RFC 8058) needs an https/http target to POST to; a mailto alone cannot honour it.
            if (!string.IsNullOrEmpty(email.UnsubscribeUrl)) message.Headers.Add(ListUnsubscribePost, OneClick);
        }

        foreach (var (name, value) in email.Headers ?? new Dictionary<string, string>())
        {
            if (ReservedHeaders.Contains(name))
                throw new ArgumentException($"Header {name} is set by the mail factory and cannot be overridden.", nameof(email));
            message.Headers.Add(name, value);
        }

        message.Body = Body(email);
        return message;
    }

    private static MailboxAddress Mailbox(string? name, string address, string field)
    {
        if (!MailboxAddress.TryParse(address, out var parsed) || parsed.Address.IndexOf('@') <= 0)
            throw new ArgumentException($"'{address}' is not a valid email address.", field);
        return new MailboxAddress(string.IsNullOrWhiteSpace(name) ? null : name, parsed.Address);
    }

    private static string? UnsubscribeHeader(OutgoingEmail email)
    {
        var targets = new List<string>(2);
        if (!string.IsNullOrEmpty(email.UnsubscribeUrl))
        {
            if (!Uri.TryCreate(email.UnsubscribeUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                throw new ArgumentException("The unsubscribe URL must be an absolute http(s) URL.", nameof(email));
            targets.Add($"<{url.AbsoluteUri}>");
        }
        if (!string.IsNullOrEmpty(email.UnsubscribeMailto))
        {
            var mailto = email.UnsubscribeMailto.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                ? email.UnsubscribeMailto
                : "mailto:" + email.UnsubscribeMailto;
            targets.Add($"<{mailto}>");
        }
        return targets.Count == 0 ? null : string.Join(", ", targets);
    }

    private static MimeEntity Body(OutgoingEmail email)
    {
        var text = email.Text ?? HtmlToText.Convert(email.Html);
        var plain = Part(TextFormat.Plain, text);
        if (string.IsNullOrEmpty(email.Html)) return plain;

        // Least preferred first (RFC 2046): clients that render html pick the last part.
        var alternative = new MultipartAlternative { plain, Part(TextFormat.Html, email.Html) };
        return alternative;
    }

    private static TextPart Part(TextFormat format, string content)
    {
        var part = new TextPart(format);
        part.SetText("utf-8", content);
        // Fixed up front so the pickup file and the SMTP wire carry the same bytes, whatever the line lengths.
        part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return part;
    }
}
