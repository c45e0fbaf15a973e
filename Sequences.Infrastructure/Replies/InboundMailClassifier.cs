using System.Text.RegularExpressions;

namespace Sequences.Infrastructure.Replies;

public enum InboundKind
{
    /// <summary>A person answered: records replied and stops the lead.</summary>
    Reply,
    /// <summary>Out-of-office or another automatic answer: recorded, never stops anything.</summary>
    AutoReply,
    /// <summary>Permanent delivery failure (5.x.x): stop and suppress.</summary>
    HardBounce,
    /// <summary>Transient failure (4.x.x), or a bounce whose permanence cannot be read: logged; three in a row count as hard.</summary>
    SoftBounce,
    /// <summary>Nothing to record, e.g. a "delivered" DSN.</summary>
    Ignore,
}

/// <summary>What the classifier decided and why; for bounces, the recipients that failed and the worst status code.</summary>
public sealed record InboundClassification(InboundKind Kind, string Reason, IReadOnlyList<string> FailedRecipients, string? Status = null)
{
    public bool IsBounce => Kind is InboundKind.HardBounce or InboundKind.SoftBounce;
}

/// <summary>
/// Pure rules that tell a person's reply from an automatic answer and from a bounce. Order matters: a DSN usually
/// carries <c>Auto-Submitted: auto-replied</c> too (RFC 3834), so bounces are decided first.
/// </summary>
public static partial class InboundMailClassifier
{
    public static InboundClassification Classify(InboundMail mail)
    {
        if (mail.Report is { } report) return FromReport(report);
        if (mail.ReportedAsBounce) return new(InboundKind.HardBounce, "reported_bounce", []);
        if (mail.ReportType is not null)
            // A multipart/report that is not about delivery (a read receipt, a feedback report) is machine-made.
            return new(InboundKind.AutoReply, $"report:{mail.ReportType}", []);
        if (LooksLikeBounceWithoutReport(mail) is { } reason)
            // Old-style bounces carry no status code, so permanence is unknown: counting them as soft is the
            // cautious choice, and three of them still suppress the address.
            return new(InboundKind.SoftBounce, reason, FailedRecipientsHeader(mail));
        if (AutoReplyReason(mail) is { } auto) return new(InboundKind.AutoReply, auto, []);
        return new(InboundKind.Reply, "reply", []);
    }

    private static InboundClassification FromReport(DeliveryReport report)
    {
        var hard = report.Recipients.Where(r => Severity(r) == 5).ToList();
        if (hard.Count > 0)
            return new(InboundKind.HardBounce, "dsn", Addresses(hard), hard.Select(r => r.Status).FirstOrDefault(s => s is not null));
        var soft = report.Recipients.Where(r => Severity(r) == 4).ToList();
        if (soft.Count > 0)
            return new(InboundKind.SoftBounce, "dsn", Addresses(soft), soft.Select(r => r.Status).FirstOrDefault(s => s is not null));
        return new(InboundKind.Ignore, report.Recipients.Count == 0 ? "dsn_without_recipients" : "dsn_success", []);
    }

    /// <summary>5 permanent, 4 transient, 2 success, 0 unknown. The Status code decides; without one, the Action does
    /// (RFC 3464: "failed" is final, "delayed" is not).</summary>
    private static int Severity(RecipientStatus recipient) => recipient.Status?[0] switch
    {
        '5' => 5,
        '4' => 4,
        '2' => 2,
        _ => recipient.Action switch
        {
            "failed" => 5,
            "delayed" => 4,
            "delivered" or "relayed" or "expanded" => 2,
            _ => 0,
        },
    };

    private static List<string> Addresses(IEnumerable<RecipientStatus> recipients) =>
        recipients.Select(r => r.Address).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string? LooksLikeBounceWithoutReport(InboundMail mail)
    {
        if (mail.Header("X-Failed-Recipients") is not null) return "x_failed_recipients";
        var local = mail.From.Split('@')[0].ToLowerInvariant();
        var fromDaemon = local is "mailer-daemon" or "postmaster" or "mail-daemon";
        var bounceSubject = mail.Subject is { } s && BounceSubject().IsMatch(s);
        // Either alone is not enough: postmaster answers questions too, and people forward bounces with their notes.
        return fromDaemon && bounceSubject ? "daemon_bounce" : null;
    }

    private static List<string> FailedRecipientsHeader(InboundMail mail) =>
        (mail.Header("X-Failed-Recipients") ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Trim('<', '>')).Where(a => a.Contains('@')).ToList();

    private static string? AutoReplyReason(InboundMail mail)
    {
        // RFC 3834: anything but "no" means a machine sent it.
        if (mail.Header("Auto-Submitted") is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return "auto_submitted";
        foreach (var header in (string[])["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autoreply-From", "X-Mail-Autoreply"])
            if (mail.Header(header) is { } value && !value.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
                return header.ToLowerInvariant().Replace('-', '_');
        if (mail.Header("Precedence")?.Trim().ToLowerInvariant() is "auto_reply" or "bulk" or "junk")
            return "precedence";
        if (mail.Subject is { } subject && (AutoReplySubject().IsMatch(subject) || AutoPrefix().IsMatch(subject)))
            return "subject";
        return null;
    }

    // Out-of-office subjects of the common mail systems (Outlook, Exchange, Gmail, Apple, Thunderbird) in the
    // languages their users most often write; a phrase anywhere, since "Re:" or "AW:" may come first.
    [GeneratedRegex(
        @"out\s+of\s+(the\s+)?office|\bautomatic\s+reply\b|\bauto[-\s]?reply\b|\bautoreply\b|\bauto[-\s]?response\b|\bautoresponder\b" +
        @"|\baway\s+from\s+(the\s+)?office\b|\bvacation\s+(reply|response|notice|message)\b|\bon\s+vacation\b" +
        @"|abwesenheitsnotiz|\babwesend\b|automatische\s+antwort|\babwesenheit\b|\bnicht\s+im\s+b(ü|ue)ro\b" +
        @"|r(é|e)ponse\s+automatique|\babsence\s+du\s+bureau\b|\babsent\s+du\s+bureau\b" +
        @"|respuesta\s+autom(á|a)tica|fuera\s+de\s+la\s+oficina|risposta\s+automatica|fuori\s+ufficio" +
        @"|automatisch\s+antwoord|\bafwezig\b|resposta\s+autom(á|a)tica|fora\s+do\s+escrit(ó|o)rio|automatiskt\s+svar|autosvar",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex AutoReplySubject();

    // Outlook's short prefix ("Auto: Your message") only means something at the start.
    [GeneratedRegex(@"^\s*(auto|autom(\.|atic)?)\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex AutoPrefix();

    [GeneratedRegex(
        @"undeliver|undelivered|delivery\s+(status\s+notification|failure|has\s+failed|failed)|mail\s+delivery\s+(failed|failure|subsystem)" +
        @"|returned\s+mail|returned\s+to\s+sender|failure\s+notice|could\s+not\s+be\s+delivered|non[-\s]?delivery|unzustellbar|nicht\s+zugestellt",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex BounceSubject();
}
