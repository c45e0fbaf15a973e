using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

/// <summary>One variant's sends and successes for the metric under test.</summary>
public sealed record VariantCount(string Variant, int Sends, int Successes);

/// <summary>The A/B auto-winner rule: a two-sided two-proportion z-test between the best variant and the runner-up.</summary>
public static class AbTest
{
    /// <summary>
    /// The winner, or null: before every variant has the minimum sends, when the best rate is tied, or when the
    /// difference is not significant at the step's confidence. With more than two variants the best must beat the
    /// runner-up, which is the strictest pairwise comparison it has.
    /// </summary>
    public static WinnerDecision? Decide(IReadOnlyList<VariantCount> counts, AutoWinnerSettings settings, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(settings);
        if (counts.Count < 2) return null;
        var minimum = Math.Max(1, settings.MinSendsPerVariant);
        if (counts.Any(c => c.Sends < minimum)) return null;

        var ranked = counts.OrderByDescending(Rate).ThenBy(c => c.Variant, StringComparer.Ordinal).ToList();
        var (best, second) = (ranked[0], ranked[1]);
        if (Rate(best) <= Rate(second)) return null;

        var p = TwoProportionPValue(best.Successes, best.Sends, second.Successes, second.Sends);
        if (p > 1 - settings.Confidence) return null;
        var rates = counts.OrderBy(c => c.Variant, StringComparer.Ordinal)
            .Select(c => new VariantRate(c.Variant, c.Sends, c.Successes, Math.Round(Rate(c), 4))).ToList();
        return new WinnerDecision(best.Variant, settings.Metric ?? AbMetric.Reply, p, settings.Confidence, now, rates);
    }

    /// <summary>The z statistic of the pooled two-proportion test (0 when both rates are 0 or 1).</summary>
    public static double TwoProportionZ(int successes1, int sends1, int successes2, int sends2)
    {
        if (sends1 <= 0 || sends2 <= 0) return 0;
        var p1 = (double)successes1 / sends1;
        var p2 = (double)successes2 / sends2;
        var pooled = (double)(successes1 + successes2) / (sends1 + sends2);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / sends1 + 1.0 / sends2));
        return se == 0 ? 0 : (p1 - p2) / se;
    }

    /// <summary>The two-sided p-value of <see cref="TwoProportionZ"/>.</summary>
    public static double TwoProportionPValue(int successes1, int sends1, int successes2, int sends2)
    {
        var z = Math.Abs(TwoProportionZ(successes1, sends1, successes2, sends2));
        return z == 0 ? 1 : 2 * (1 - NormalCdf(z));
    }

    /// <summary>The standard normal CDF through erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7: ample for a p-value).</summary>
    internal static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }

    private static double Rate(VariantCount c) => c.Sends == 0 ? 0 : (double)c.Successes / c.Sends;
}
