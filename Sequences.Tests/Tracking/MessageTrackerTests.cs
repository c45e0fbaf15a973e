using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Tests.Tracking;

public sealed class MessageTrackerTests
{
    private const string Base = "https://t.test/";
    private const string Unsubscribe = "https://t.test/u/unsubscribe-token";

    private readonly TrackingTokens _tokens = new(new StaticSigningKeySource(RandomNumberGenerator.GetBytes(32)));
    private readonly MessageTracker _tracker;
    private readonly MessageTracking _both = new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), TrackOpens: true, TrackClicks: true);

    public MessageTrackerTests() =>
        _tracker = new MessageTracker(_tokens, new TrackingUrls(Options.Create(new TrackingOptions { BaseUrl = "https://t.test" })), new PublicBaseUrl());

    private TrackedHtml Clicks(string html) => _tracker.TrackHtml(html, _both with { TrackOpens = false }, Unsubscribe);

    /// <summary>The click token behind a rewritten href, checked to be a click token for this message.</summary>
    private int LinkIndex(string href)
    {
        href.Should().StartWith(Base + TrackingUrls.ClickPath);
        _tokens.TryRead(href[(Base.Length + TrackingUrls.ClickPath.Length)..], TrackingKind.Click, out var payload).Should().BeTrue();
        payload.Should().BeEquivalentTo(new { _both.TenantId, OutboundMessageId = _both.MessageId, _both.LeadId });
        return payload.LinkIndex;
    }

    private static List<string> Hrefs(string html) =>
        new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("a").Select(a => a.GetAttribute("href") ?? "").ToList();

    [Fact]
    public void Every_http_link_becomes_a_click_redirect_and_its_original_is_kept_in_order()
    {
        var tracked = Clicks("""
            <p><a href="https://example.com/a?x=1&amp;y=2">A</a> and <a href='http://example.org/b'>B</a>
            and again <a class="btn" href="https://example.com/a?x=1&amp;y=2" target="_blank">A</a></p>
            """);

        tracked.Links.Should().Equal("https://example.com/a?x=1&y=2", "http://example.org/b", "https://example.com/a?x=1&y=2");
        Hrefs(tracked.Html).Select(LinkIndex).Should().Equal(0, 1, 2);
        tracked.Html.Should().Contain("<a class=\"btn\" href=\"https://t.test/t/c/").And.Contain("\" target=\"_blank\">A</a></p>");
    }

    [Theory]
    [InlineData("<a href=\"https://example.com\" data-notrack>x</a>")]
    [InlineData("<a data-notrack=\"\" href=\"https://example.com\">x</a>")]
    [InlineData("<a href=\"mailto:ada@example.com?subject=Hi\">x</a>")]
    [InlineData("<a href=\"tel:+441234\">x</a>")]
    [InlineData("<a href=\"#top\">x</a>")]
    [InlineData("<a href=\"/relative/path\">x</a>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"ftp://example.com/file\">x</a>")]
    [InlineData("<a name=\"anchor\">x</a>")]
    [InlineData("<a href=\"\">x</a>")]
    [InlineData("<a href=\"https://t.test/u/unsubscribe-token\">Unsubscribe</a>")]
    public void Links_that_must_not_be_tracked_are_left_exactly_as_written(string html)
    {
        var tracked = Clicks(html);

        tracked.Html.Should().Be(html);
        tracked.Links.Should().BeEmpty();
    }

    [Fact]
    public void The_pixel_goes_just_before_the_closing_body_tag()
    {
        var html = "<!doctype html><html><body><p>Hi</p>\n</body>\n</html>";

        var tracked = _tracker.TrackHtml(html, _both with { TrackClicks = false }, Unsubscribe);

        tracked.Html.Should().MatchRegex("^<!doctype html><html><body><p>Hi</p>\n<img src=\"https://t\\.test/t/o/[A-Za-z0-9_-]+\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\"></body>\n</html>$");
        var token = tracked.Html.Split("/t/o/")[1].Split('"')[0];
        _tokens.TryRead(token, TrackingKind.Open, out var payload).Should().BeTrue();
        payload.Should().Be(new TrackingPayload(TrackingKind.Open, _both.TenantId, _both.MessageId, _both.LeadId));
        tracked.Links.Should().BeEmpty();
    }

    [Theory]
    [InlineData("<p>Just a fragment</p>", "<p>Just a fragment</p>|")]
    [InlineData("<html><p>No body tag</p></html>", "<html><p>No body tag</p>|</html>")]
    [InlineData("<BODY><p>Upper case</p></BODY >", "<BODY><p>Upper case</p>|</BODY >")]
    [InlineData("<body><p>x</p></body><!-- </body> -->", "<body><p>x</p>|</body><!-- </body> -->")]
    [InlineData("<body><textarea></body></textarea></body>", "<body><textarea></body></textarea>|</body>")]
    public void The_pixel_lands_in_the_body_whatever_the_markup(string html, string expected)
    {
        var tracked = _tracker.TrackHtml(html, _both with { TrackClicks = false }, Unsubscribe);

        var pixel = tracked.Html[tracked.Html.IndexOf("<img", StringComparison.Ordinal)..];
        pixel = pixel[..(pixel.IndexOf('>') + 1)];
        tracked.Html.Replace(pixel, "|").Should().Be(expected);
    }

    [Fact]
    public void Links_in_comments_conditional_comments_styles_scripts_and_textareas_are_not_links()
    {
        var html = """
            <!-- <a href="https://example.com/comment">c</a> -->
            <!--[if mso]><v:roundrect href="https://example.com/vml"><a href="https://example.com/mso">o</a></v:roundrect><![endif]-->
            <style>a[href="https://example.com/css"] { color: red }</style>
            <script>var s = '<a href="https://example.com/script">';</script>
            <textarea><a href="https://example.com/textarea"></textarea>
            <title><a href="https://example.com/title"></title>
            <a href="https://example.com/real">real</a>
            """;

        var tracked = Clicks(html);

        tracked.Links.Should().Equal("https://example.com/real");
        tracked.Html.Should().Be(html.Replace("<a href=\"https://example.com/real\">", $"<a href=\"{Hrefs(tracked.Html).Last()}\">"));
    }

    [Fact]
    public void Odd_but_valid_markup_is_read_as_a_browser_reads_it()
    {
        var html = "<A HREF=https://example.com/unquoted TITLE='a > b'>1</A>"
                   + "<a\r\n  href = \" https://example.com/spaced \"\r\n>2</a>"
                   + "<a href=\"https://example.com/first\" href=\"https://evil.example/second\">3</a>"
                   + "<a href=\"https://example.com/x?q=caf%C3%A9&amp;n=&#49;\" title=\"Caf&eacute; &quot;q&quot;\"/>4"
                   + "<a href=\"HTTPS://EXAMPLE.COM/CAPS\">5</a>"
                   + "<table><a href=\"https://example.com/fostered\">6</a><tr><td>cell</td></tr></table>"
                   + "<a href=\"https://example.com/unterminated\"";

        var tracked = Clicks(html);

        tracked.Links.Should().Equal(
            "https://example.com/unquoted", "https://example.com/spaced", "https://example.com/first", "https://example.com/x?q=caf%C3%A9&n=1",
            "HTTPS://EXAMPLE.COM/CAPS", "https://example.com/fostered");
        var hrefs = Hrefs(tracked.Html);
        hrefs.Should().HaveCount(6, "an unterminated tag at the end is no tag");
        hrefs.Select(LinkIndex).Should().Equal(0, 1, 2, 3, 4, 5);
        tracked.Html.Should().NotContain("evil.example", "the duplicate href, which browsers ignore, is dropped with the rewrite")
            .And.Contain("title=\"a &gt; b\">1</A>")
            .And.Contain("title=\"Caf&#233; &quot;q&quot;\" />4")
            .And.EndWith("<a href=\"https://example.com/unterminated\"");
    }

    [Fact]
    public void Opens_and_clicks_can_each_be_turned_off()
    {
        var html = "<body><a href=\"https://example.com\">x</a></body>";

        var noClicks = _tracker.TrackHtml(html, _both with { TrackClicks = false }, Unsubscribe);
        noClicks.Links.Should().BeEmpty();
        Hrefs(noClicks.Html).Should().Equal("https://example.com");
        noClicks.Html.Should().Contain("/t/o/");

        var noOpens = _tracker.TrackHtml(html, _both with { TrackOpens = false }, Unsubscribe);
        noOpens.Links.Should().Equal("https://example.com");
        noOpens.Html.Should().NotContain("<img");

        var email = new OutgoingEmail("from@example.com", null, "to@example.com", null, "S", html, null, "key", Unsubscribe);
        var untouched = _tracker.Track(email, _both with { TrackOpens = false, TrackClicks = false });
        untouched.Email.Should().BeSameAs(email);
        untouched.Links.Should().BeEmpty();
    }

    [Fact]
    public void A_tracked_email_keeps_readable_links_in_its_text_alternative()
    {
        var email = new OutgoingEmail("from@example.com", null, "to@example.com", null, "S",
            "<p>See <a href=\"https://example.com/pricing\">pricing</a></p>", null, "key", Unsubscribe);

        var tracked = _tracker.Track(email, _both);

        tracked.Links.Should().Equal("https://example.com/pricing");
        tracked.Email.Html.Should().Contain("/t/c/").And.Contain("/t/o/");
        tracked.Email.Text.Should().Be(HtmlToText.Convert(email.Html)).And.Contain("https://example.com/pricing").And.NotContain("/t/c/");
        _tracker.Track(email with { Text = "Own text" }, _both).Email.Text.Should().Be("Own text");
        var textOnly = email with { Html = null, Text = "Text only" };
        _tracker.Track(textOnly, _both).Email.Should().BeSameAs(textOnly);
    }
}
