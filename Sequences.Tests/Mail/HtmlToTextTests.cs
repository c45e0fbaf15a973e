using Sequences.Infrastructure.Mail;

namespace Sequences.Tests.Mail;

public sealed class HtmlToTextTests
{
    [Theory]
    [InlineData("a<br>b<br/>c<br />d", "a\nb\nc\nd")]
    [InlineData("<div>one</div><div>two</div>", "one\ntwo")]
    [InlineData("<p>one</p><p>two</p>", "one\n\ntwo")]
    [InlineData("<ol><li>x</li><li>y</li></ol>", "1. x\n2. y")]
    [InlineData("  lots   of\n\t whitespace  ", "lots of whitespace")]
    [InlineData("&lt;tag&gt; &eacute; &#8364; &#x41;", "<tag> é € A")]
    [InlineData("a < b and c > d", "a < b and c > d")]
    [InlineData("<!-- hidden --><p>shown</p>", "shown")]
    [InlineData("<a href='mailto:x@y.z'>x@y.z</a>", "x@y.z")]
    [InlineData("<a href=\"https://a.test/\"><img src=\"logo.png\"></a>", "https://a.test/")]
    [InlineData("<a href=\"#top\">top</a>", "top")]
    [InlineData("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc")]
    [InlineData("<p>unclosed <b>bold", "unclosed bold")]
    [InlineData("", "")]
    public void Converts(string html, string expected) =>
        HtmlToText.Convert(html).Should().Be(expected);

    [Fact]
    public void Malformed_markup_never_throws()
    {
        foreach (var html in new[] { "<", "<<<>>>", "<a href=\"unterminated", "</p></p>", "<script>never closed", "<!--", "<a href=x>y" })
            HtmlToText.Convert(html).Should().NotBeNull();
    }
}
