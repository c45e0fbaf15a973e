using MimeKit;
using MimeKit.Utils;

namespace Sequences.Infrastructure.Replies;

public enum InboundSource { Imap, Webhook }

/// <summary>One recipient's outcome in a delivery status notification (RFC 3464 per-recipient fields).</summary>
public sealed record RecipientStatus(string? Address, string? Action, string? Status, string? Diagnostic = null);

/// <summary>The machine-readable part of a bounce: one entry per recipient the report is about.</summary>
public sealed record DeliveryReport(IReadOnlyList<RecipientStatus> Recipients);

/// <summary>
/// An inbound mail in the one shape the classifier and matcher read, whether it came from IMAP (a parsed
/// <see cref="MimeMessage"/>) or from a provider's webhook. Message-IDs are kept without angle brackets.
/// </summary>
public sealed record InboundMail
{
    public required string From { get; init; }
    public string? To { get; init; }
    public string? Subject { get; init; }
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    /// <summary>The Date header; null when the mail has none (a forged or missing date must not block a match).</summary>
    public DateTimeOffset? Date { get; init; }
    /// <summary>First value of each header, names compared case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>The report-type of a top-level multipart/report, if the mail is one (delivery-status, disposition-notification, ...).</summary>
    public string? ReportType { get; init; }
    /// <summary>Present for a delivery status notification, or a bounce a provider reported.</summary>
    public DeliveryReport? Report { get; init; }
    /// <summary>Message-IDs of the original message a bounce carries: DSN per-message fields and attached originals.</summary>
    public IReadOnlyList<string> OriginalMessageIds { get; init; } = [];
    /// <summary>A provider said this is a bounce (webhook type "bounce"): no heuristics needed.</summary>
    public bool ReportedAsBounce { get; init; }
    public InboundSource Source { get; init; }
    /// <summary>The plain-text body (or the html one as text), where an out-of-office reply says when its sender is back.</summary>
    public string? Text { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static InboundMail FromMime(MimeMessage message)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in message.Headers) headers.TryAdd(header.Field, header.Value.Trim());
        var (report, reportType, originals) = DeliveryReports.Read(message);
        return new InboundMail
        {
            From = message.From.Mailboxes.FirstOrDefault()?.Address ?? message.Sender?.Address ?? "",
            To = message.To.Mailboxes.FirstOrDefault()?.Address,
            Subject = message.Subject,
            MessageId = Clean(message.MessageId),
            InReplyTo = Clean(message.InReplyTo),
            References = message.References.Select(Clean).OfType<string>().ToList(),
            Date = message.Headers.Contains(HeaderId.Date) ? message.Date : null,
            Headers = headers,
            ReportType = reportType,
            Report = report,
            OriginalMessageIds = originals,
            Source = InboundSource.Imap,
            Text = message.TextBody ?? (message.HtmlBody is { } html ? Mail.HtmlToText.Convert(html) : null),
        };
    }

    /// <summary>
    /// A mail a provider reported by webhook. For a bounce, the failed address is the <c>Final-Recipient</c> header, else
    /// <c>X-Failed-Recipients</c>, else <paramref name="from"/>; the code is the <c>Status</c> header (none: permanent),
    /// and <c>Original-Message-ID</c> names the bounced message when threading headers do not.
    /// </summary>
    public static InboundMail FromProvider(bool bounce, string from, string? to, string? subject, string? messageId, string? inReplyTo,
        IReadOnlyList<string> references, IReadOnlyDictionary<string, string> headers, string? text = null)
    {
        var map = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        string? Get(string name) => map.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        DeliveryReport? report = null;
        if (bounce)
        {
            var address = DeliveryReports.Address(Get("Final-Recipient"))
                          ?? Get("X-Failed-Recipients")?.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(a => a.Contains('@'))?.Trim('<', '>')
                          ?? from;
            report = new DeliveryReport([new RecipientStatus(address, Get("Action")?.ToLowerInvariant() ?? "failed", DeliveryReports.StatusCode(Get("Status")), Get("Diagnostic-Code"))]);
        }
        return new InboundMail
        {
            From = from,
            To = to,
            Subject = subject,
            MessageId = Clean(messageId),
            InReplyTo = Clean(inReplyTo),
            References = references,
            Date = Get("Date") is { } date && DateUtils.TryParse(date, out var parsed) ? parsed : null,
            Headers = map,
            Report = report,
            OriginalMessageIds = ParseIds(Get("Original-Message-ID") ?? Get("X-Original-Message-ID")),
            ReportedAsBounce = bounce,
            Source = InboundSource.Webhook,
            Text = text,
        };
    }

    /// <summary>A list of Message-IDs as mail providers send them: "&lt;a@x&gt; &lt;b@y&gt;", "&lt;a@x&gt;&lt;b@y&gt;", "a@x b@y" or comma separated.</summary>
    public static IReadOnlyList<string> ParseIds(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var parts = value.Contains('<')
            ? value.Split('>', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p[(p.LastIndexOf('<') + 1)..])
            : value.Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(Clean).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The id without brackets or surrounding space; null when nothing is left.</summary>
    public static string? Clean(string? id)
    {
        if (id is null) return null;
        var bare = id.Trim().Trim('<', '>').Trim();
        return bare.Length == 0 ? null : bare;
    }
}
