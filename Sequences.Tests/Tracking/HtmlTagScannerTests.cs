using AngleSharp;
using AngleSharp.Html.Parser;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Tests.Tracking;

/// <summary>The tag scanner tracking uses must find exactly the tags a browser's parser finds: these documents are read
/// by both it and AngleSharp's full HTML parser (tokenizer driven by the tree builder), and every a, body and html tag
/// must agree in kind, range, self-closing flag and attributes.</summary>
public sealed class HtmlTagScannerTests
{
    private static readonly string[] Names = ["a", "body", "html"];

    public static TheoryData<string> Documents() =>
    [
        "<p>Hi <a href=\"https://example.com/x\">x</a></p>",
        "<!DOCTYPE html><html lang=en><head><title>T <a href=x></title></head><body><a href=y>y</a></body></html>",
        "<!-- <a href=\"https://example.com/comment\"> --><a href=z>z</a>",
        "<!--><a href=abrupt>1</a><!---><a href=abrupt2>2</a>",
        "<!-- a -- b --!><a href=bang>3</a><!-- x --->",
        "<!--[if mso]><v:roundrect href=\"https://example.com/vml\"><a href=\"https://example.com/mso\">o</a></v:roundrect><![endif]-->",
        "<style>a[href=\"x\"] { } </style ><a href=after-style>a</a>",
        "<STYLE>x</STYLE><script>var s = '<a href=\"s\">'; if (a</b) {}</script><a href=after-script>a</a>",
        "<textarea><a href=\"t\"></body></textarea><title>x</titlex></title><a href=after-title>a</a>",
        "<xmp><a href=1></xmp><iframe><a href=2></iframe><noembed><a href=3></noembed><noframes><a href=4></noframes><a href=5>5</a>",
        "<noscript><a href=ns>n</a></noscript>",
        "<A HREF=https://example.com/unquoted TITLE='a > b'>1</A><a\r\n  href = \" https://example.com/spaced \"\r\n>2</a>",
        "<a href=\"https://example.com/first\" href=\"https://evil.example/second\">3</a>",
        "<a href=\"https://example.com/x?q=caf%C3%A9&amp;n=&#49;&#x41;\" title=\"Caf&eacute; &quot;q&quot;\"/>4",
        "<a/href=slash>1</a><a href=x/ >2</a><a href='q\"uote' data-x = 'y'class=c>3</a><a =eq>4</a>",
        "<a href=x data-notrack>1</a><a data-notrack=\"\" href=\"y\">2</a><a\thref=tab\fdata-f=1>3</a>",
        "<table><a href=\"https://example.com/fostered\">6</a><tr><td>cell</td></tr></table>",
        "<svg><title><a href=in-svg>s</a></title><style><a href=svg-style></style></svg><a href=after-svg>a</a>",
        "<svg><![CDATA[ <a href=cdata> ]]></svg><![CDATA[ <a href=html-cdata> ]]><a href=after>a</a>",
        "<math><mi><a href=m>m</a></mi></math><svg/><a href=after-selfclosed-svg>x</a>",
        "<?xml version=\"1.0\"?><a href=pi>p</a></ bogus <a href=in-bogus>><a href=after-bogus>b</a>",
        "a < b <a href=lt>l</a> 3<4 <1a href=no>",
        "<body><p>x</p></body><!-- </body> --></html><a href=after-html>x</a></body>",
        "<BODY><p>Upper</p></BODY ></HTML foo=bar>",
        "<a href=\"https://example.com/unterminated\"",
        "<a href=\"open quote>never closed",
        "<p>trailing <",
        "<p>trailing </",
        "<title>never closed <a href=x>",
        "<a href=\"&lt;&gt;&amp;&nbsp;\">e</a><a href=\"&#0;\">z</a>",
        "<plaintext><a href=plain>p</a></plaintext>",
        "<div><a href=one><a href=nested>n</a></a></div>",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Finds_the_tags_a_browser_parser_finds(string html)
    {
        var scanned = new List<ScannedTag>();
        HtmlTagScanner.Scan(html, Names, scanned.Add);

        scanned.Select(Describe).Should().Equal(ParserTags(html).Select(Describe));
    }

    [Fact]
    public void Only_the_wanted_tags_are_reported()
    {
        var scanned = new List<ScannedTag>();
        HtmlTagScanner.Scan("<html><body><p class=x><a href=y>y</a><img src=z></p></body></html>", ["a"], scanned.Add);

        scanned.Select(Describe).Should().Equal("a 23-33 href=[y]", "/a 34-38 ");
    }

    [Fact]
    public void An_empty_end_tag_is_dropped()
    {
        // AngleSharp reports the next tag as starting at the dropped "</>", so this one is checked on its own.
        var scanned = new List<ScannedTag>();
        HtmlTagScanner.Scan("x</><a href=after>e</a>", ["a"], scanned.Add);

        scanned.Select(Describe).Should().Equal("a 4-18 href=[after]", "/a 19-23 ");
    }

    private static string Describe(ScannedTag tag) =>
        $"{(tag.IsEndTag ? "/" : "")}{tag.Name} {tag.Start}-{tag.End}{(tag.SelfClosing ? " self-closing" : "")} " +
        string.Join(" ", tag.Attributes.Select(a => $"{a.Name}=[{a.Value}]"));

    /// <summary>The oracle: AngleSharp's parser reports each token with its source range as it builds the document.</summary>
    private static List<ScannedTag> ParserTags(string html)
    {
        var tags = new List<ScannedTag>();
        var parser = new HtmlParser(new HtmlParserOptions
        {
            OnToken = (token, range) =>
            {
                if (token.Type is not (HtmlTokenType.StartTag or HtmlTokenType.EndTag) || !Names.Contains(token.Name)) return;
                var tag = token.AsTag();
                var attributes = token.Type == HtmlTokenType.StartTag ? tag.Attributes.Select(a => (a.Name, a.Value)).ToList() : [];
                tags.Add(new ScannedTag(token.Name, token.Type == HtmlTokenType.EndTag, tag.IsSelfClosing, range.Start.Index, range.End.Index, attributes));
            },
        }, BrowsingContext.New(Configuration.Default));
        parser.ParseDocument(html);
        return tags;
    }
}
