namespace Sequences.Core.Templates;

/// <summary>
/// A lexical check that runs before Fluid's parser: the parser recurses once per nested block and
/// the renderer once per chained operator or filter, and a stack overflow ends the process
/// instead of throwing. Bounding nesting and tag length keeps both far from the stack's end.
/// </summary>
internal static class TemplateShape
{
    private static readonly HashSet<string> Blocks =
        new(["if", "unless", "case", "for", "tablerow", "capture", "comment", "raw", "ifchanged"], StringComparer.Ordinal);

    /// <summary>Null when the shape is acceptable, otherwise why not.</summary>
    public static string? Check(string source, TemplateLimits limits)
    {
        if (source.Length > limits.MaxTemplateChars)
            return $"The template is longer than {limits.MaxTemplateChars} characters.";

        var depth = 0;
        var i = 0;
        while ((i = source.IndexOf('{', i)) >= 0 && i + 1 < source.Length)
        {
            var kind = source[i + 1];
            if (kind != '{' && kind != '%')
            {
                i++;
                continue;
            }
            var close = source.IndexOf(kind == '{' ? "}}" : "%}", i + 2, StringComparison.Ordinal);
            if (close < 0) return null; // unterminated: the parser reports it with a position
            if (close - i > limits.MaxTagChars)
                return $"A tag or output at offset {i} is longer than {limits.MaxTagChars} characters.";

            var next = close + 2;
            if (kind == '%')
            {
                var name = TagName(source, i + 2, close);
                if (name == "raw")
                {
                    // Raw content is text, not tags; a "{%" inside it must not count as nesting.
                    var end = source.IndexOf("endraw", next, StringComparison.Ordinal);
                    next = end < 0 ? source.Length : end;
                }
                else if (Blocks.Contains(name) && ++depth > limits.MaxBlockDepth)
                {
                    return $"The template nests blocks more than {limits.MaxBlockDepth} levels deep.";
                }
                else if (name.StartsWith("end", StringComparison.Ordinal) && depth > 0)
                {
                    depth--;
                }
            }
            i = next;
        }
        return null;
    }

    private static string TagName(string source, int start, int end)
    {
        while (start < end && (source[start] == '-' || char.IsWhiteSpace(source[start]))) start++;
        var stop = start;
        while (stop < end && (char.IsAsciiLetterOrDigit(source[stop]) || source[stop] == '_')) stop++;
        return source[start..stop];
    }
}
