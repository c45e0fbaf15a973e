using System.Globalization;
using System.Text;

namespace Sequences.Bench;

/// <summary>One line of the result table; <see cref="Met"/> is null where no target applies.</summary>
public sealed record ReportRow(string Scenario, string Provider, int N, string Result, string Target, bool? Met, string Detail);

public static class Report
{
    private static readonly string[] Headers = ["Scenario", "Provider", "N", "Result", "Target", "Met", "Detail"];

    public static string Table(IReadOnlyList<ReportRow> rows)
    {
        var cells = rows.Select(r => new[]
        {
            r.Scenario, r.Provider, r.N.ToString("N0", CultureInfo.InvariantCulture), r.Result, r.Target,
            r.Met switch { true => "yes", false => "NO", null => "" }, r.Detail,
        }).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(text, Headers, widths);
        text.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in cells) Line(text, row, widths);
        return text.ToString();
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> cells, int[] widths) =>
        text.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");

    public static string Rate(double perSecond) => $"{perSecond.ToString("N0", CultureInfo.InvariantCulture)} mails/s";

    /// <summary>The average message as the sink received it (headers and body, after the DATA terminator is removed).</summary>
    public static string MessageSize(long bytes, int mails) => $"{(bytes / 1024.0 / mails).ToString("N1", CultureInfo.InvariantCulture)} KB/message";

    public static string Mb(long bytes) => $"{(bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture)} MB";

    public static string Ms(TimeSpan time) => $"{time.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture)} ms";

    public static string Seconds(TimeSpan time) => $"{time.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture)} s";
}
