using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Sequences.Infrastructure.Mail;

namespace Sequences.Tests.Mail;

public sealed class MimeMessageFactoryTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly MimeMessageFactory _factory = new(new FakeTimeProvider(Now));

    [Fact]
    public void Message_id_is_stable_for_a_key_and_differs_between_keys()
    {
        var first = _factory.Create(MailSamples.Email(1));
        var again = _factory.Create(MailSamples.Email(1) with { Subject = "changed" });
        var other = _factory.Create(MailSamples.Email(2));

        first.MessageId.Should().Be(again.MessageId);
        first.MessageId.Should().NotBe(other.MessageId);
        first.MessageId.Should().MatchRegex("^[0-9a-f]{32}@sender\\.example$");
        ("<" + first.MessageId + ">").Should().Be(MessageIds.FromIdempotencyKey("state-1:step-1", "sender.example"));
        MailSamples.Email(1).MessageId.Should().Be("<" + first.MessageId + ">");
    }

    [Fact]
    public void Message_ids_of_an_enrollment_start_with_its_id_so_later_enrollments_sort_after()
    {
        var earlier = Guid.CreateVersion7(Now);
        var later = Guid.CreateVersion7(Now.AddMilliseconds(1));
        var (step1, step2) = (Guid.NewGuid(), Guid.NewGuid());
        string Id(Guid enrollment, Guid step) => MessageIds.FromIdempotencyKey($"{enrollment:N}:{step:N}", "sender.example");

        Id(earlier, step1).Should().MatchRegex($"^<{earlier:N}[0-9a-f]{{16}}@sender\\.example>$");
        Id(earlier, step1).Should().Be(Id(earlier, step1)).And.NotBe(Id(earlier, step2));
        string.CompareOrdinal(Id(earlier, step2), Id(later, step1)).Should().BeNegative();
    }

    [Fact]
    public void Message_id_domain_falls_back_for_odd_addresses()
    {
        MessageIds.DomainOf("no-at-sign").Should().Be("localhost");
        MessageIds.DomainOf("a@Sub.Example.ORG").Should().Be("sub.example.org");
        MessageIds.FromIdempotencyKey("k", "bad domain<>").Should().MatchRegex("^<[0-9a-f]{32}@baddomain>$");
    }

    [Fact]
    public void Headers_survive_serialisation()
    {
        var message = MailSamples.RoundTrip(_factory.Create(MailSamples.Email(7)));

        message.From.Mailboxes.Single().Address.Should().Be("owner@sender.example");
        message.From.Mailboxes.Single().Name.Should().Be("Owner Name");
        message.To.Mailboxes.Single().Address.Should().Be("lead7@example.com");
        message.Subject.Should().Be("Hello 7 — ünïcode");
        message.Date.Should().Be(Now);
        message.MessageId.Should().Be(MessageIds.Bare(MessageIds.FromIdempotencyKey("state-7:step-1", "sender.example")));
        Unfold(message.Headers[MimeMessageFactory.ListUnsubscribe])
            .Should().Be("<https://app.test/u/token-7>, <mailto:unsubscribe@sender.example>");
        message.Headers[MimeMessageFactory.ListUnsubscribePost].Should().Be("List-Unsubscribe=One-Click");
        message.Headers["X-Sequences-Lead"].Should().Be("lead-7");
    }

    [Fact]
    public void A_reply_in_a_thread_carries_in_reply_to_and_references_that_extra_headers_cannot_replace()
    {
        var email = MailSamples.Email() with { InReplyTo = "<second@sender.example>", References = ["<first@sender.example>", "<second@sender.example>"] };

        var message = MailSamples.RoundTrip(_factory.Create(email));

        message.InReplyTo.Should().Be("second@sender.example");
        message.References.Should().Equal("first@sender.example", "second@sender.example");
        _factory.Create(MailSamples.Email()).Headers.Contains("In-Reply-To").Should().BeFalse("a new email answers nothing");
        var forged = () => _factory.Create(MailSamples.Email() with { Headers = new Dictionary<string, string> { ["References"] = "<x@y>" } });
        forged.Should().Throw<ArgumentException>().WithMessage("*References*");
    }

    [Fact]
    public void Mailto_is_only_listed_when_configured()
    {
        var message = _factory.Create(MailSamples.Email() with { UnsubscribeMailto = null });

        Unfold(message.Headers[MimeMessageFactory.ListUnsubscribe]).Should().Be("<https://app.test/u/token-1>");
        message.Headers[MimeMessageFactory.ListUnsubscribePost].Should().Be(MimeMessageFactory.OneClick);
    }

    [Fact]
    public void Without_unsubscribe_targets_there_is_no_list_unsubscribe()
    {
        var message = _factory.Create(MailSamples.Email() with { UnsubscribeUrl = null, UnsubscribeMailto = null });

        message.Headers.Contains(MimeMessageFactory.ListUnsubscribe).Should().BeFalse();
        message.Headers.Contains(MimeMessageFactory.ListUnsubscribePost).Should().BeFalse();
    }

    [Fact]
    public void Html_mail_is_multipart_alternative_with_text_first_and_html_last()
    {
        var message = MailSamples.RoundTrip(_factory.Create(MailSamples.Email()));

        var alternative = message.Body.Should().BeOfType<MultipartAlternative>().Subject;
        alternative.Should().HaveCount(2);
        alternative[0].ContentType.MimeType.Should().Be("text/plain");
        alternative[1].ContentType.MimeType.Should().Be("text/html");
        alternative[0].ContentType.Charset.Should().Be("utf-8");
        ((TextPart)alternative[1]).Text.Should().Be(MailSamples.Html);
    }

    [Fact]
    public void Text_alternative_is_derived_from_html_with_links_and_line_breaks()
    {
        var message = MailSamples.RoundTrip(_factory.Create(MailSamples.Email()));

        message.TextBody!.ReplaceLineEndings("\n").Should().Be(
            "Hi Ada,\n\n" +
            "Tom & Jerry said hello.\n" +
            "Second line\n\n" +
            "- First point\n" +
            "- Second point\n\n" +
            "Read our pricing (https://example.com/pricing?a=1&b=2) today.\n\n" +
            "https://example.com/raw");
    }

    [Fact]
    public void Given_text_is_used_as_is()
    {
        var message = MailSamples.RoundTrip(_factory.Create(MailSamples.Email(text: "Plain words\nline two")));

        message.TextBody!.ReplaceLineEndings("\n").Should().Be("Plain words\nline two");
        message.HtmlBody.Should().Be(MailSamples.Html);
    }

    [Fact]
    public void Text_only_mail_is_a_single_text_part()
    {
        var message = MailSamples.RoundTrip(_factory.Create(MailSamples.Email(html: null, text: "Only text")));

        message.Body.Should().BeOfType<TextPart>().Which.ContentType.MimeType.Should().Be("text/plain");
        message.TextBody!.TrimEnd().Should().Be("Only text");
        message.HtmlBody.Should().BeNull();
    }

    [Fact]
    public void Long_html_lines_are_encoded_to_stay_within_smtp_line_limits()
    {
        var html = "<p>" + new string('x', 5000) + "</p>";
        using var stream = new MemoryStream();
        _factory.Create(MailSamples.Email(html: html)).WriteTo(stream);

        var lines = System.Text.Encoding.ASCII.GetString(stream.ToArray()).Split('\n');
        lines.Should().OnlyContain(line => line.Length <= 998);
        MailSamples.RoundTrip(_factory.Create(MailSamples.Email(html: html))).HtmlBody.Should().Be(html);
    }

    [Theory]
    [InlineData("Subject")]
    [InlineData("message-id")]
    [InlineData("List-Unsubscribe")]
    public void Reserved_headers_cannot_be_overridden(string header)
    {
        var act = () => _factory.Create(MailSamples.Email() with { Headers = new Dictionary<string, string> { [header] = "x" } });

        act.Should().Throw<ArgumentException>().WithMessage($"*{header}*");
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData("@example.com")]
    public void Invalid_recipients_are_rejected_clearly(string to)
    {
        var act = () => _factory.Create(MailSamples.Email() with { ToAddress = to });

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_non_http_unsubscribe_url_is_rejected()
    {
        var act = () => _factory.Create(MailSamples.Email() with { UnsubscribeUrl = "javascript:alert(1)" });

        act.Should().Throw<ArgumentException>();
    }

    private static string Unfold(string? value) => (value ?? "").Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal).Trim();
}
