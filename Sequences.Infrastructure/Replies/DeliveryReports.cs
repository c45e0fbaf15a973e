using MimeKit;

namespace Sequences.Infrastructure.Replies;

/// <summary>Reads delivery status notifications (RFC 3464 inside an RFC 6522 multipart/report) with MimeKit.</summary>
public static class DeliveryReports
{
    private static readonly string[] OriginalIdFields = ["Original-Message-ID", "X-Original-Message-ID"];

    public static (DeliveryReport? Report, string? ReportType, IReadOnlyList<string> OriginalMessageIds) Read(MimeMessage message)
    {
        var recipients = new List<RecipientStatus>();
        var originals = new List<string>();
        var foundStatus = false;
        Walk(message.Body, depth: 0);
        var reportType = (message.Body as MultipartReport)?.ReportType?.Trim().ToLowerInvariant();
        return (foundStatus ? new DeliveryReport(recipients) : null, reportType, originals.Distinct(StringComparer.Ordinal).ToList());

        void Walk(MimeEntity? entity, int depth)
        {
            // Bounces nest (a forwarded bounce, a report inside multipart/mixed) but never deeply; the cap keeps
            // a hostile message from recursing without end.
            if (entity is null || depth > 8) return;
            switch (entity)
            {
                case Multipart multipart:
                    foreach (var child in multipart) Walk(child, depth + 1);
                    break;
                case MessageDeliveryStatus status:
                    foundStatus = true;
                    ReadStatus(status, recipients, originals);
                    break;
                // message/rfc822 (the whole original) and text/rfc822-headers (just its header) are both MessageParts.
                case MessagePart part when InboundMail.Clean(part.Message?.MessageId) is { } id:
                    originals.Add(id);
                    break;
            }
        }
    }

    private static void ReadStatus(MessageDeliveryStatus status, List<RecipientStatus> recipients, List<string> originals)
    {
        // The first group holds the per-message fields, every later one a recipient (RFC 3464 section 2.1).
        var groups = status.StatusGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            if (i == 0)
            {
                foreach (var field in OriginalIdFields)
                    if (InboundMail.Clean(group[field]) is { } id) originals.Add(id);
                // Some MTAs write everything as one group: then the first group is also the recipient.
                if (group["Final-Recipient"] is null) continue;
            }
            recipients.Add(new RecipientStatus(
                Address(group["Final-Recipient"] ?? group["Original-Recipient"]),
                group["Action"]?.Trim().ToLowerInvariant(),
                StatusCode(group["Status"]),
                group["Diagnostic-Code"]?.Trim()));
        }
    }

    /// <summary>"rfc822; bob@example.com" -> "bob@example.com" (the address type is always rfc822 for SMTP mail).</summary>
    public static string? Address(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        var value = field[(field.IndexOf(';') + 1)..].Trim().Trim('<', '>').Trim();
        return value.Contains('@') ? value : null;
    }

    /// <summary>"5.1.1 (user unknown)" -> "5.1.1"; anything that is not a class.subject.detail code -> null.</summary>
    public static string? StatusCode(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        var code = field.Trim().Split([' ', '\t', '('], 2)[0];
        var parts = code.Split('.');
        return parts.Length == 3 && parts[0] is "2" or "4" or "5" && parts.Skip(1).All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit))
            ? code
            : null;
    }
}
