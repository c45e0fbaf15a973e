using MimeKit;
using Sequences.Infrastructure.Replies;

namespace Sequences.Tests.Replies;

/// <summary>An IMAP mail carries its text to the out-of-office reader, from the text part or else the html one.</summary>
public sealed class InboundMailTextTests
{
    private static MimeMessage Mail(string? text, string? html)
    {
        var message = new MimeMessage { Subject = "Automatic reply" };
        message.From.Add(MailboxAddress.Parse("ada@acme.com"));
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    [Fact]
    public void The_text_part_is_read() =>
        InboundMail.FromMime(Mail("I will be back on Monday, March 9.", "<p>ignored</p>")).Text.Should().Contain("back on Monday, March 9");

    [Fact]
    public void An_html_only_mail_is_read_as_text() =>
        InboundMail.FromMime(Mail(null, "<p>I will be <b>back</b> on Monday, March 9.</p>")).Text.Should().Contain("back on Monday, March 9");
}
