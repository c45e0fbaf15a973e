using MimeKit;
using Sequences.Infrastructure.Mail;

namespace Sequences.Tests.Mail;

internal static class MailSamples
{
    public const string Html =
        "<html><head><title>ignored</title><style>p { color: red; }</style></head><body>" +
        "<p>Hi Ada,</p><p>Tom &amp; Jerry said&nbsp;hello.<br>Second line</p>" +
        "<ul><li>First point</li><li>Second point</li></ul>" +
        "<div>Read <a href=\"https://example.com/pricing?a=1&amp;b=2\">our pricing</a> today.</div>" +
        "<p><a href=\"https://example.com/raw\">https://example.com/raw</a></p>" +
        "<img src=\"https://app.test/t/o/pixel\" alt=\"\" width=\"1\" height=\"1\">" +
        "<script>alert('no');</script></body></html>";

    public static OutgoingEmail Email(int n = 1, string? html = Html, string? text = null) => new(
        FromAddress: "owner@sender.example",
        FromName: "Owner Name",
        ToAddress: $"lead{n}@example.com",
        ToName: $"Lead {n}",
        Subject: $"Hello {n} — ünïcode",
        Html: html,
        Text: text,
        IdempotencyKey: $"state-{n}:step-1",
        UnsubscribeUrl: $"https://app.test/u/token-{n}",
        UnsubscribeMailto: "unsubscribe@sender.example",
        Headers: new Dictionary<string, string> { ["X-Sequences-Lead"] = $"lead-{n}" });

    public static MimeMessage Message(int n = 1) => new MimeMessageFactory(TimeProvider.System).Create(Email(n));

    /// <summary>Serialises and parses back, as a receiving server or a file reader would see the message.</summary>
    public static MimeMessage RoundTrip(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }
}
