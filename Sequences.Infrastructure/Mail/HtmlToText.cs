using System.Net;
using System.Text;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// Turns email HTML into a readable text/plain alternative: block elements become line breaks, list items get
/// a dash, links keep their target as "text (url)", scripts, styles and images vanish. Email HTML is often
/// sloppy, so this is a forgiving scanner rather than a parser: it never throws on malformed input.
/// </summary>
public static class HtmlToText
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote", "section",
        "article", "header", "footer", "main", "nav", "aside", "pre", "hr", "address", "figure", "dl", "dt", "dd",
    };

    // Paragraph-like blocks are separated by an empty line; the others only start a new line.
    private static readonly HashSet<string> ParagraphTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre",
    };

    private static readonly HashSet<string> SkippedContentTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "head", "title", "template", "noscript",
    };

    public static string Convert(string? html)
    {
        if (string.IsNullOrEmpty(html)) return string.Empty;
        var writer = new TextWriter();
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0) { writer.Text(html[i..]); break; }
            if (lt > i) writer.Text(html[i..lt]);
            i = ReadMarkup(html, lt, writer);
        }
        return writer.Finish();
    }

    /// <summary>Consumes the markup starting at <paramref name="lt"/> and returns the index after it.</summary>
    private static int ReadMarkup(string html, int lt, TextWriter writer)
    {
        if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
        {
            var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
            return end < 0 ? html.Length : end + 3;
        }

        var close = FindTagEnd(html, lt + 1);
        if (close < 0)
        {
            // A lone '<' in text ("a < b") is text, not a tag.
            writer.Text("<");
            return lt + 1;
        }

        var tag = html[(lt + 1)..close];
        var isEnd = tag.StartsWith('/');
        var name = TagName(isEnd ? tag[1..] : tag);
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            // <!DOCTYPE>, <?xml?> and the like carry no text.
            if (tag.StartsWith('!') || tag.StartsWith('?') || isEnd) return close + 1;
            writer.Text("<");
            return lt + 1;
        }

        if (!isEnd && SkippedContentTags.Contains(name))
        {
            var endTag = html.IndexOf("</" + name, close + 1, StringComparison.OrdinalIgnoreCase);
            if (endTag < 0) return html.Length;
            var endClose = html.IndexOf('>', endTag);
            return endClose < 0 ? html.Length : endClose + 1;
        }

        if (isEnd) writer.EndTag(name);
        else writer.StartTag(name, tag);
        return close + 1;
    }

    private static int FindTagEnd(string html, int from)
    {
        char quote = '\0';
        for (var j = from; j < html.Length; j++)
        {
            var c = html[j];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '>') return j;
            else if (c == '<' && j == from) return -1;
        }
        return -1;
    }

    private static string TagName(string tag)
    {
        var end = 0;
        while (end < tag.Length && (char.IsAsciiLetterOrDigit(tag[end]) || tag[end] == '-' || tag[end] == ':')) end++;
        return tag[..end];
    }

    private static string? Attribute(string tag, string attribute)
    {
        var i = 0;
        while ((i = tag.IndexOf(attribute, i, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var before = i == 0 ? ' ' : tag[i - 1];
            var j = i + attribute.Length;
            i = j;
            if (!char.IsWhiteSpace(before)) continue;
            while (j < tag.Length && char.IsWhiteSpace(tag[j])) j++;
            if (j >= tag.Length || tag[j] != '=') continue;
            j++;
            while (j < tag.Length && char.IsWhiteSpace(tag[j])) j++;
            if (j >= tag.Length) return null;
            if (tag[j] is '"' or '\'')
            {
                var end = tag.IndexOf(tag[j], j + 1);
                return end < 0 ? tag[(j + 1)..] : tag[(j + 1)..end];
            }
            var stop = j;
            while (stop < tag.Length && !char.IsWhiteSpace(tag[stop]) && tag[stop] != '>') stop++;
            return tag[j..stop];
        }
        return null;
    }

    /// <summary>Accumulates text with HTML whitespace rules and pending line breaks.</summary>
    private sealed class TextWriter
    {
        private readonly StringBuilder _out = new();
        private int _pendingNewlines;
        private bool _pendingSpace;
        private int _preDepth;
        private string? _href;
        private int _linkStart;
        private readonly Stack<(bool Ordered, int Next)> _lists = new();

        public void Text(string raw)
        {
            var decoded = WebUtility.HtmlDecode(raw);
            if (_preDepth > 0)
            {
                Append(decoded.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\u00A0', ' '));
                return;
            }
            foreach (var c in decoded)
            {
                if (c is ' ' or '\t' or '\r' or '\n' or '\f') { _pendingSpace = true; continue; }
                Append(c == '\u00A0' ? ' ' : c);
            }
        }

        public void StartTag(string name, string tag)
        {
            if (name.Equals("br", StringComparison.OrdinalIgnoreCase)) { ForceNewline(); return; }
            if (name.Equals("li", StringComparison.OrdinalIgnoreCase))
            {
                Break(1);
                var bullet = "- ";
                if (_lists.TryPop(out var list))
                {
                    if (list.Ordered) bullet = $"{list.Next}. ";
                    _lists.Push(list with { Next = list.Next + 1 });
                }
                Append(new string(' ', Math.Max(0, _lists.Count - 1) * 2) + bullet);
                _pendingSpace = false;
                return;
            }
            if (name.Equals("ul", StringComparison.OrdinalIgnoreCase)) _lists.Push((false, 1));
            else if (name.Equals("ol", StringComparison.OrdinalIgnoreCase)) _lists.Push((true, 1));
            if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase))
            {
                _pendingSpace = true;
                return;
            }
            if (name.Equals("a", StringComparison.OrdinalIgnoreCase))
            {
                _href = Attribute(tag, "href")?.Trim();
                if (_href is not null) _href = WebUtility.HtmlDecode(_href);
                if (_pendingSpace && _out.Length > 0 && _pendingNewlines == 0) { _out.Append(' '); _pendingSpace = false; }
                _linkStart = _out.Length;
                return;
            }
            if (BlockTags.Contains(name))
            {
                Break(ParagraphTags.Contains(name) && _lists.Count <= 1 ? 2 : 1);
                if (name.Equals("pre", StringComparison.OrdinalIgnoreCase)) _preDepth++;
                if (name.Equals("hr", StringComparison.OrdinalIgnoreCase)) { Append("----"); Break(1); }
            }
        }

        public void EndTag(string name)
        {
            if (name.Equals("a", StringComparison.OrdinalIgnoreCase)) { EndLink(); return; }
            if (name.Equals("li", StringComparison.OrdinalIgnoreCase)) { Break(1); return; }
            if ((name.Equals("ul", StringComparison.OrdinalIgnoreCase) || name.Equals("ol", StringComparison.OrdinalIgnoreCase)) && _lists.Count > 0)
                _lists.Pop();
            if (name.Equals("pre", StringComparison.OrdinalIgnoreCase) && _preDepth > 0) _preDepth--;
            if (BlockTags.Contains(name)) Break(ParagraphTags.Contains(name) && _lists.Count == 0 ? 2 : 1);
        }

        private void EndLink()
        {
            var href = _href;
            _href = null;
            if (string.IsNullOrEmpty(href) || href.StartsWith('#') ||
                href.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)) return;
            var text = _out.ToString(_linkStart, _out.Length - _linkStart).Trim();
            var shown = href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? href["mailto:".Length..] : href;
            // A link whose text already is its URL would otherwise read twice.
            if (text.Equals(href, StringComparison.OrdinalIgnoreCase) || text.Equals(shown, StringComparison.OrdinalIgnoreCase)) return;
            Append(text.Length == 0 ? href : $" ({href})");
        }

        /// <summary>Text for one character, without making a string per character of text.</summary>
        private void Append(char c) => Append(new ReadOnlySpan<char>(in c));

        private void Append(ReadOnlySpan<char> s)
        {
            if (s.IsEmpty) return;
            if (_out.Length > 0)
            {
                if (_pendingNewlines > 0) _out.Append('\n', _pendingNewlines);
                else if (_pendingSpace && !EndsWithWhitespace() && s[0] != ' ') _out.Append(' ');
            }
            _pendingNewlines = 0;
            _pendingSpace = false;
            _out.Append(s);
        }

        /// <summary>A &lt;br&gt; always counts, even twice in a row; block breaks collapse.</summary>
        private void ForceNewline()
        {
            if (_out.Length == 0) return;
            _pendingNewlines++;
            _pendingSpace = false;
        }

        private void Break(int newlines)
        {
            if (_out.Length == 0) return;
            _pendingNewlines = Math.Max(_pendingNewlines, newlines);
            _pendingSpace = false;
        }

        private bool EndsWithWhitespace() => _out.Length > 0 && char.IsWhiteSpace(_out[^1]);

        public string Finish()
        {
            if (_href is not null) EndLink();
            var text = _out.ToString();
            var result = new StringBuilder(text.Length);
            var blank = 0;
            foreach (var range in text.AsSpan().Split('\n'))
            {
                var line = text.AsSpan(range).TrimEnd();
                if (line.Length == 0) { if (++blank > 1) continue; }
                else blank = 0;
                result.Append(line).Append('\n');
            }
            return result.ToString().Trim('\n');
        }
    }
}
