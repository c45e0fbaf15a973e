using System.Globalization;
using MudBlazor;
using Sequences.Infrastructure.Analytics;
using Sequences.Infrastructure.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences;

/// <summary>A chart's input: x labels and named series. Built apart from the markup so tests can check exactly what a chart gets.</summary>
public sealed record ChartModel(string[] Labels, List<ChartSeries<double>> Series)
{
    public double Value(string series, string label) =>
        Series.First(s => s.Name == series).Data.Values[Array.IndexOf(Labels, label)];
}

public static class SequenceCharts
{
    public static readonly string[] FunnelLabels = ["Sent", "Opened", "Clicked", "Replied"];
    public const string AllSteps = "All emails";

    /// <summary>The step funnel: sent → opened → clicked → replied, for all emails and for each email step.</summary>
    public static ChartModel Funnel(SequenceAnalytics analytics, IReadOnlyList<SequenceStep> steps)
    {
        var series = new List<ChartSeries<double>> { Series(AllSteps, FunnelValues(analytics.Totals)) };
        var versioned = analytics.ByStep.Select(s => s.Version).Distinct().Count() > 1;
        foreach (var step in analytics.ByStep.OrderByDescending(s => s.Version).ThenBy(s => s.StepOrder))
            series.Add(Series(VersionPrefix(versioned, step.Version) + StepLabel(step.StepOrder, step.Name ?? steps.FirstOrDefault(s => s.Id == step.StepId)?.Name),
                FunnelValues(step.Metrics)));
        return new ChartModel(FunnelLabels, series);
    }

    /// <summary>Open, click and reply rates (percent of sent) of each version that sent mail, oldest first: did the edit help?</summary>
    public static ChartModel VersionRates(IReadOnlyList<VersionMetrics> byVersion)
    {
        var versions = byVersion.Where(v => v.Metrics.Sent > 0).OrderBy(v => v.Version).ToList();
        return new ChartModel(versions.Select(v => $"v{v.Version}").ToArray(),
        [
            Series("Open rate %", versions.Select(v => Pct(v.Metrics.OpenRate))),
            Series("Click rate %", versions.Select(v => Pct(v.Metrics.ClickRate))),
            Series("Reply rate %", versions.Select(v => Pct(v.Metrics.ReplyRate))),
        ]);
    }

    /// <summary>Once leads run on more than one version, steps say which version they belong to.</summary>
    private static string VersionPrefix(bool versioned, int version) => versioned ? $"v{version} · " : "";

    /// <summary>How many days the rates chart shows at least, ending on the last day with activity.</summary>
    public const int MinDays = 14;

    /// <summary>The days the time charts show: every day from the first to the last with activity, at least
    /// <see cref="MinDays"/> of them, so a single day of sends is not one lonely dot; but none before
    /// <paramref name="notBefore"/> (the sequence's first day), which would read as days it sent nothing.</summary>
    public static IReadOnlyList<DateOnly> Days(SequenceAnalytics analytics, DateOnly? notBefore = null)
    {
        if (analytics.ByDay.Count == 0) return [];
        var last = analytics.ByDay.Max(d => d.Date);
        var first = analytics.ByDay.Min(d => d.Date);
        if (last.DayNumber - first.DayNumber < MinDays - 1)
        {
            var padded = last.AddDays(-(MinDays - 1));
            first = notBefore is { } start && start > padded ? (start < first ? start : first) : padded;
        }
        return Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
    }

    /// <summary>Open, click and reply rates (percent of that day's sends) per day; days without sends are gaps.</summary>
    public static ChartModel Rates(SequenceAnalytics analytics, DateOnly? notBefore = null)
    {
        var days = Days(analytics, notBefore);
        var byDay = analytics.ByDay.ToDictionary(d => d.Date, d => d.Metrics);
        double? Rate(DateOnly day, Func<Metrics, double> rate) => byDay.TryGetValue(day, out var m) && m.Sent > 0 ? Pct(rate(m)) : null;
        return new ChartModel(Labels(days),
        [
            Gaps("Open rate %", days.Select(d => Rate(d, m => m.OpenRate))),
            Gaps("Click rate %", days.Select(d => Rate(d, m => m.ClickRate))),
            Gaps("Reply rate %", days.Select(d => Rate(d, m => m.ReplyRate))),
        ]);
    }

    /// <summary>Emails sent per day, the volume behind the rates.</summary>
    public static ChartModel SentPerDay(SequenceAnalytics analytics, DateOnly? notBefore = null)
    {
        var days = Days(analytics, notBefore);
        var byDay = analytics.ByDay.ToDictionary(d => d.Date, d => d.Metrics.Sent);
        return new ChartModel(Labels(days), [Series("Sent", days.Select(d => (double)byDay.GetValueOrDefault(d)))]);
    }

    /// <summary>Day labels; beyond a week only every few days (always the last) is named, or the labels run into each other.</summary>
    private static string[] Labels(IReadOnlyList<DateOnly> days)
    {
        var every = Math.Max(1, (int)Math.Ceiling(days.Count / 7.0));
        return days.Select((d, i) => (days.Count - 1 - i) % every == 0 ? d.ToString("MM-dd", CultureInfo.InvariantCulture) : "").ToArray();
    }

    private static ChartSeries<double> Gaps(string name, IEnumerable<double?> values) => new() { Name = name, Data = values.ToArray() };

    /// <summary>Leads waiting at each step (active or paused), by step order.</summary>
    public static ChartModel Progress(SequenceProgress progress, IReadOnlyList<SequenceStep> steps)
    {
        var ordered = progress.ByStep.OrderByDescending(s => s.Version).ThenBy(s => s.StepOrder).ToList();
        var versioned = ordered.Select(s => s.Version).Distinct().Count() > 1;
        var labels = ordered.Select(s => VersionPrefix(versioned, s.Version) + StepLabel(s.StepOrder, steps.FirstOrDefault(x => x.Id == s.StepId)?.Name)).ToArray();
        return new ChartModel(labels, [Series("Leads at step", ordered.Select(s => (double)s.Leads))]);
    }

    public static string StepLabel(int order, string? name) => string.IsNullOrWhiteSpace(name) ? $"Step {order}" : $"{order}. {name}";

    private static double[] FunnelValues(Metrics m) => [m.Sent, m.Opened, m.Clicked, m.Replied];

    private static double Pct(double rate) => Math.Round(rate * 100, 1);

    private static ChartSeries<double> Series(string name, IEnumerable<double> values) => new() { Name = name, Data = values.ToArray() };
}
