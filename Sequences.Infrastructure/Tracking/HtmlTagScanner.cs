using System.Net;

namespace Sequences.Infrastructure.Tracking;

/// <summary>A tag as the HTML tokenizer reads it: lower-case name and attribute names, decoded values, duplicate
/// attributes dropped (the first wins), and its exact range in the source.</summary>
/// <param name="End">Just after the tag's closing '&gt;'.</param>
public sealed record ScannedTag(string Name, bool IsEndTag, bool SelfClosing, int Start, int End, List<(string Name, string Value)> Attributes);

/// <summary>
/// Finds the tags of an HTML document the way a browser's tokenizer does (WHATWG HTML, "Tokenization"), without
/// building a document: text inside comments, <c>&lt;style&gt;</c>, <c>&lt;script&gt;</c>, <c>&lt;textarea&gt;</c>,
/// <c>&lt;title&gt;</c> and the other raw-text elements holds no tags, and an unterminated tag at the end is no tag.
/// The tree builder's only influence on tokenizing that matters here is kept: inside <c>&lt;svg&gt;</c> and
/// <c>&lt;math&gt;</c> those elements are ordinary and CDATA sections exist. Tracking runs on every email sent, and
/// a full parser building a DOM per email was a tenth of what the engine allocated.
/// </summary>
public static class HtmlTagScanner
{
    // Tags that change how what follows them is read.
    private static readonly string[] StateNames = ["svg", "math", "plaintext", "title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script"];

    /// <summary>Calls <paramref name="onTag"/> for each start and end tag named in <paramref name="wanted"/> (lower
    /// case), in document order. Other tags are read past without allocating.</summary>
    public static void Scan(string html, IReadOnlyList<string> wanted, Action<ScannedTag> onTag)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(wanted);
        var foreignDepth = 0;
        var at = 0;
        while (at < html.Length)
        {
            var open = html.IndexOf('<', at);
            if (open < 0 || open + 1 >= html.Length) return;
            var next = html[open + 1];
            if (next == '!')
            {
                at = SkipMarkupDeclaration(html, open, foreignDepth > 0);
                continue;
            }
            if (next == '?')
            {
                at = SkipBogusComment(html, open + 2);
                continue;
            }
            var isEnd = next == '/';
            var nameAt = isEnd ? open + 2 : open + 1;
            if (nameAt >= html.Length) return;
            if (!char.IsAsciiLetter(html[nameAt]))
            {
                // "</>" is dropped, "</ x>" is a bogus comment, and a '<' before anything else is text.
                at = !isEnd ? open + 1 : html[nameAt] == '>' ? nameAt + 1 : SkipBogusComment(html, nameAt);
                continue;
            }
            var nameEnd = nameAt;
            while (nameEnd < html.Length && !IsWhitespace(html[nameEnd]) && html[nameEnd] is not '/' and not '>') nameEnd++;
            var name = html.AsSpan(nameAt, nameEnd - nameAt);
            var wantedName = Known(name, wanted);
            var attributes = wantedName is null ? null : new List<(string Name, string Value)>();
            var end = ReadTag(html, nameEnd, isEnd ? null : attributes, out var selfClosing); // an end tag's attributes mean nothing
            if (end < 0) return; // unterminated at the end: no tag
            at = end;
            if (wantedName is not null) onTag(new ScannedTag(wantedName, isEnd, selfClosing, open, end, attributes!));
            var stateName = wantedName ?? Known(name, StateNames);
            if (stateName is "svg" or "math")
            {
                if (isEnd) foreignDepth = Math.Max(0, foreignDepth - 1);
                else if (!selfClosing) foreignDepth++;
                continue;
            }
            if (isEnd || foreignDepth > 0 || stateName is null) continue;
            switch (stateName)
            {
                case "plaintext":
                    return; // everything after it is text
                case "title" or "textarea" or "style" or "xmp" or "iframe" or "noembed" or "noframes" or "script":
                    // RCDATA, RAWTEXT and script data end only at their own end tag. (A script's "<!--<script>" escape,
                    // which hides one "</script>", is not followed: mail clients never run or show scripts.)
                    var close = FindEndTag(html, at, stateName);
                    if (close < 0) return;
                    at = close;
                    break;
            }
        }
    }

    private static int SkipMarkupDeclaration(string html, int open, bool foreign)
    {
        var at = open + 2;
        if (string.CompareOrdinal(html, at, "--", 0, 2) == 0) return SkipComment(html, at + 2);
        if (foreign && string.CompareOrdinal(html, at, "[CDATA[", 0, 7) == 0)
        {
            var close = html.IndexOf("]]>", at + 7, StringComparison.Ordinal);
            return close < 0 ? html.Length : close + 3;
        }
        return SkipBogusComment(html, at); // <!DOCTYPE ...> too: it also ends at the first '>'
    }

    /// <summary>After "&lt;!--": "&lt;!--&gt;" and "&lt;!---&gt;" close at once, else "--&gt;" or "--!&gt;" close it.</summary>
    private static int SkipComment(string html, int at)
    {
        if (at < html.Length && html[at] == '>') return at + 1;
        if (string.CompareOrdinal(html, at, "->", 0, 2) == 0) return at + 2;
        for (var dashes = html.IndexOf("--", at, StringComparison.Ordinal); dashes >= 0; dashes = html.IndexOf("--", dashes + 1, StringComparison.Ordinal))
        {
            var after = dashes + 2;
            if (after < html.Length && html[after] == '>') return after + 1;
            if (string.CompareOrdinal(html, after, "!>", 0, 2) == 0) return after + 2;
        }
        return html.Length;
    }

    private static int SkipBogusComment(string html, int at)
    {
        var close = html.IndexOf('>', at);
        return close < 0 ? html.Length : close + 1;
    }

    /// <summary>Where "&lt;/name" followed by whitespace, '/' or '&gt;' starts (any case), or -1.</summary>
    private static int FindEndTag(string html, int at, string name)
    {
        for (var close = html.IndexOf("</", at, StringComparison.Ordinal); close >= 0; close = html.IndexOf("</", close + 2, StringComparison.Ordinal))
        {
            var after = close + 2 + name.Length;
            if (after >= html.Length) return -1;
            if (string.Compare(html, close + 2, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (IsWhitespace(html[after]) || html[after] is '/' or '>'))
                return close;
        }
        return -1;
    }

    /// <summary>The lower-case name from <paramref name="names"/> that <paramref name="name"/> is in any case, or null.</summary>
    private static string? Known(ReadOnlySpan<char> name, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
            if (name.Equals(names[i], StringComparison.OrdinalIgnoreCase)) return names[i];
        return null;
    }

    /// <summary>Reads the rest of a tag from just after its name, into <paramref name="attributes"/> when given; returns
    /// where the tag ends (just after its '&gt;'), or -1 when the document ends first.</summary>
    private static int ReadTag(string html, int at, List<(string Name, string Value)>? attributes, out bool selfClosing)
    {
        var collect = attributes is not null;
        selfClosing = false;
        while (true)
        {
            while (at < html.Length && IsWhitespace(html[at])) at++;
            if (at >= html.Length) return -1;
            var c = html[at];
            if (c == '>') return at + 1;
            if (c == '/')
            {
                at++;
                if (at >= html.Length) return -1;
                if (html[at] == '>')
                {
                    selfClosing = true;
                    return at + 1;
                }
                continue; // a stray '/' is dropped
            }
            // An attribute name runs to whitespace, '/', '>' or '=' (a leading '=' belongs to the name).
            var attrAt = at++;
            while (at < html.Length && !IsWhitespace(html[at]) && html[at] is not '/' and not '>' and not '=') at++;
            if (at >= html.Length) return -1;
            var attrName = collect ? html[attrAt..at].ToLowerInvariant() : "";
            while (at < html.Length && IsWhitespace(html[at])) at++;
            if (at >= html.Length) return -1;
            string value = "";
            if (html[at] == '=')
            {
                at++;
                while (at < html.Length && IsWhitespace(html[at])) at++;
                if (at >= html.Length) return -1;
                if (html[at] is '"' or '\'')
                {
                    var close = html.IndexOf(html[at], at + 1);
                    if (close < 0) return -1;
                    if (collect) value = Decode(html[(at + 1)..close]);
                    at = close + 1;
                }
                else if (html[at] != '>')
                {
                    var valueAt = at;
                    while (at < html.Length && !IsWhitespace(html[at]) && html[at] != '>') at++;
                    if (at >= html.Length) return -1;
                    if (collect) value = Decode(html[valueAt..at]);
                }
            }
            if (collect && !attributes!.Exists(a => a.Name == attrName)) attributes.Add((attrName, value));
        }
    }

    // NUL, written or as "&#0;", reads as U+FFFD.
    private static string Decode(string value) =>
        value.Contains('&') || value.Contains('\0') ? WebUtility.HtmlDecode(value).Replace('\0', '\uFFFD') : value;

    // The input stream turns CR and CRLF into LF, so CR counts as the whitespace LF is.
    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';
}
