using System.Text;
using MimeKit;
using Sequences.Infrastructure.Replies;

namespace Sequences.Tests.Replies;

/// <summary>The pure rules, on mails shaped like the ones real servers send (Postfix, Exchange, Gmail, Exim).</summary>
public sealed class InboundMailClassifierTests
{
    private const string OurId = "3f2a9c@tenant-a.test";

    private static InboundMail Mime(string raw) => InboundMail.FromMime(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")))));

    private static InboundMail Reply(string subject, params (string Name, string Value)[] headers)
    {
        var extra = string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\n"));
        return Mime($"From: Ada <ada@example.com>\nTo: owner@tenant-a.test\nSubject: {subject}\nMessage-ID: <r1@example.com>\nIn-Reply-To: <{OurId}>\n{extra}\nThanks, let's talk.\n");
    }

    private static InboundMail Dsn(string recipientGroups, string reportType = "delivery-status", string extraHeaders = "") => Mime($$"""
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: owner@tenant-a.test
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        Message-ID: <dsn-1@mx.example.net>
        {{extraHeaders}}MIME-Version: 1.0
        Content-Type: multipart/report; report-type={{reportType}}; boundary="b1"

        --b1
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.
        --b1
        Content-Type: message/{{reportType}}

        Reporting-MTA: dns; mx.example.net
        X-Postfix-Queue-ID: 4F2C1

        {{recipientGroups}}
        --b1
        Content-Type: text/rfc822-headers

        From: owner@tenant-a.test
        To: bob@example.com
        Subject: Hi Bob
        Message-ID: <{{OurId}}>

        --b1--
        """);

    private const string Hard = "Final-Recipient: rfc822; bob@example.com\nOriginal-Recipient: rfc822;bob@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown";
    private const string Soft = "Final-Recipient: rfc822; bob@example.com\nAction: delayed\nStatus: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full";

    private static readonly Dictionary<string, (Func<InboundMail> Mail, InboundKind Kind)> Samples = new()
    {
        ["plain reply"] = (() => Reply("Re: Hi Ada"), InboundKind.Reply),
        ["reply with Auto-Submitted: no"] = (() => Reply("Re: Hi Ada", ("Auto-Submitted", "no")), InboundKind.Reply),
        ["reply on a mailing list (Precedence: list)"] = (() => Reply("Re: Hi Ada", ("Precedence", "list")), InboundKind.Reply),
        ["reply about auto parts"] = (() => Reply("Re: Auto parts pricing"), InboundKind.Reply),
        ["reply about an office move"] = (() => Reply("Re: our new office"), InboundKind.Reply),
        ["postmaster answering a question"] = (() => Mime("From: postmaster@example.com\nSubject: Re: question\n\nsure\n"), InboundKind.Reply),
        ["Auto-Submitted: auto-replied (Gmail vacation)"] = (() => Reply("Re: Hi Ada", ("Auto-Submitted", "auto-replied")), InboundKind.AutoReply),
        ["Auto-Submitted: auto-generated (Exchange)"] = (() => Reply("Hi Ada", ("Auto-Submitted", "auto-generated")), InboundKind.AutoReply),
        ["X-Autoreply: yes"] = (() => Reply("Re: Hi Ada", ("X-Autoreply", "yes")), InboundKind.AutoReply),
        ["X-Autorespond"] = (() => Reply("Re: Hi Ada", ("X-Autorespond", "Hi Ada")), InboundKind.AutoReply),
        ["Precedence: auto_reply"] = (() => Reply("Re: Hi Ada", ("Precedence", "auto_reply")), InboundKind.AutoReply),
        ["Precedence: bulk"] = (() => Reply("Re: Hi Ada", ("Precedence", "bulk")), InboundKind.AutoReply),
        ["Precedence: junk"] = (() => Reply("Re: Hi Ada", ("Precedence", "junk")), InboundKind.AutoReply),
        ["subject Out of Office"] = (() => Reply("Out of Office: Hi Ada"), InboundKind.AutoReply),
        ["subject Automatic reply"] = (() => Reply("Automatic reply: Re: Hi Ada"), InboundKind.AutoReply),
        ["subject Auto:"] = (() => Reply("Auto: Hi Ada"), InboundKind.AutoReply),
        ["subject Abwesenheitsnotiz"] = (() => Reply("Abwesenheitsnotiz: Hi Ada"), InboundKind.AutoReply),
        ["subject Automatische Antwort"] = (() => Reply("Automatische Antwort: Hi Ada"), InboundKind.AutoReply),
        ["subject Réponse automatique"] = (() => Reply("=?utf-8?Q?R=C3=A9ponse_automatique?= : Hi Ada"), InboundKind.AutoReply),
        ["subject out of the office after Re:"] = (() => Reply("Re: I am out of the office until Monday"), InboundKind.AutoReply),
        ["subject Autoreply"] = (() => Reply("Autoreply: Hi Ada"), InboundKind.AutoReply),
        ["read receipt (disposition-notification report)"] = (() => Dsn("Final-Recipient: rfc822; bob@example.com\nDisposition: manual-action/MDN-sent-manually; displayed", "disposition-notification"), InboundKind.AutoReply),
        ["DSN 5.1.1"] = (() => Dsn(Hard), InboundKind.HardBounce),
        ["DSN 4.2.2 delayed"] = (() => Dsn(Soft), InboundKind.SoftBounce),
        ["DSN failed without Status"] = (() => Dsn("Final-Recipient: rfc822; bob@example.com\nAction: failed"), InboundKind.HardBounce),
        ["DSN delayed without Status"] = (() => Dsn("Final-Recipient: rfc822; bob@example.com\nAction: delayed"), InboundKind.SoftBounce),
        ["DSN delivered 2.0.0"] = (() => Dsn("Final-Recipient: rfc822; bob@example.com\nAction: delivered\nStatus: 2.0.0"), InboundKind.Ignore),
        ["DSN one soft, one hard recipient"] = (() => Dsn(Soft.Replace("bob@", "carol@") + "\n\n" + Hard), InboundKind.HardBounce),
        ["DSN that also says auto-replied and out of office"] = (() => Dsn(Hard, extraHeaders: "X-Autoreply: yes\n"), InboundKind.HardBounce),
        ["daemon bounce without a report"] = (() => Mime("From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system.\n"), InboundKind.SoftBounce),
        ["Exim X-Failed-Recipients"] = (() => Mime("From: Mail Delivery System <Mailer-Daemon@exim.example>\nX-Failed-Recipients: bob@example.com\nSubject: Mail delivery failed: returning message to sender\n\nfailed\n"), InboundKind.SoftBounce),
        ["webhook bounce without status"] = (() => Provider(bounce: true), InboundKind.HardBounce),
        ["webhook bounce 5.7.1"] = (() => Provider(bounce: true, ("Status", "5.7.1")), InboundKind.HardBounce),
        ["webhook bounce 4.4.7"] = (() => Provider(bounce: true, ("Status", "4.4.7")), InboundKind.SoftBounce),
        ["webhook reply"] = (() => Provider(bounce: false), InboundKind.Reply),
        ["webhook reply with X-Autoreply"] = (() => Provider(bounce: false, ("x-autoreply", "yes")), InboundKind.AutoReply),
    };

    private static InboundMail Provider(bool bounce, params (string Name, string Value)[] headers) =>
        InboundMail.FromProvider(bounce, "bob@example.com", "owner@tenant-a.test", "Re: Hi", "<w1@example.com>", $"<{OurId}>", [],
            headers.ToDictionary(h => h.Name, h => h.Value));

    public static TheoryData<string> Names => new(Samples.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Classifies(string sample)
    {
        var (mail, kind) = Samples[sample];
        InboundMailClassifier.Classify(mail()).Kind.Should().Be(kind);
    }

    [Fact]
    public void There_are_at_least_twenty_samples() => Samples.Should().HaveCountGreaterThanOrEqualTo(20);

    [Fact]
    public void A_hard_DSN_names_the_failed_recipient_its_status_and_the_original_message()
    {
        var mail = Dsn(Soft.Replace("bob@", "carol@") + "\n\n" + Hard);
        var result = InboundMailClassifier.Classify(mail);

        result.FailedRecipients.Should().Equal("bob@example.com");
        result.Status.Should().Be("5.1.1");
        mail.OriginalMessageIds.Should().Equal(OurId);
        mail.Report!.Recipients.Select(r => r.Address).Should().Equal("carol@example.com", "bob@example.com");
        mail.Report.Recipients[1].Diagnostic.Should().Contain("User unknown");
    }

    [Fact]
    public void A_soft_DSN_names_its_recipient_and_code()
    {
        var result = InboundMailClassifier.Classify(Dsn(Soft));
        result.Should().BeEquivalentTo(new { Kind = InboundKind.SoftBounce, Status = "4.2.2", FailedRecipients = new[] { "bob@example.com" } });
    }

    [Fact]
    public void An_attached_original_and_the_report_fields_both_give_original_ids()
    {
        var mail = Mime("""
            From: postmaster@exchange.example
            Subject: Undeliverable: Hi Bob
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="x"

            --x
            Content-Type: message/delivery-status

            Reporting-MTA: dns;exchange.example
            X-Original-Message-ID: <from-fields@tenant-a.test>

            Final-Recipient: rfc822;<bob@example.com>
            Action: failed
            Status: 5.2.1 (mailbox disabled)
            --x
            Content-Type: message/rfc822

            From: owner@tenant-a.test
            Message-ID: <attached@tenant-a.test>
            Subject: Hi Bob

            body
            --x--
            """);

        mail.OriginalMessageIds.Should().Equal("from-fields@tenant-a.test", "attached@tenant-a.test");
        InboundMailClassifier.Classify(mail).Should().BeEquivalentTo(new { Kind = InboundKind.HardBounce, Status = "5.2.1", FailedRecipients = new[] { "bob@example.com" } });
    }

    [Fact]
    public void A_webhook_bounce_takes_its_address_from_Final_Recipient_then_X_Failed_Recipients_then_from()
    {
        InboundMailClassifier.Classify(Provider(true, ("Final-Recipient", "rfc822; carol@example.com"))).FailedRecipients.Should().Equal("carol@example.com");
        InboundMailClassifier.Classify(Provider(true, ("X-Failed-Recipients", "dan@example.com"))).FailedRecipients.Should().Equal("dan@example.com");
        InboundMailClassifier.Classify(Provider(true)).FailedRecipients.Should().Equal("bob@example.com");
    }

    [Theory]
    [InlineData("<a@x> <b@y>", new[] { "a@x", "b@y" })]
    [InlineData("<a@x><b@y>", new[] { "a@x", "b@y" })]
    [InlineData("a@x b@y", new[] { "a@x", "b@y" })]
    [InlineData("a@x,b@y", new[] { "a@x", "b@y" })]
    [InlineData("  <a@x>\r\n\t<a@x>  ", new[] { "a@x" })]
    [InlineData("", new string[0])]
    public void Parses_id_lists_as_providers_send_them(string value, string[] expected) =>
        InboundMail.ParseIds(value).Should().Equal(expected);

    [Theory]
    [InlineData("5.1.1", "5.1.1")]
    [InlineData("4.2.2 (mailbox full)", "4.2.2")]
    [InlineData("2.0.0", "2.0.0")]
    [InlineData("550", null)]
    [InlineData("5.1", null)]
    [InlineData("x.1.1", null)]
    public void Reads_enhanced_status_codes(string field, string? expected) => DeliveryReports.StatusCode(field).Should().Be(expected);
}
