namespace Sequences.Core.Sequences;

/// <summary>What counts as a success of an A/B variant. An open counts clicks too: the pixel may have been blocked.</summary>
public enum AbMetric { Reply, Open, Click }

/// <summary>
/// An email step's <c>auto_winner</c> (issue #9): once every variant has <see cref="MinSendsPerVariant"/> sends, a
/// two-proportion test on <see cref="Metric"/> picks a winner at <see cref="Confidence"/>, and new leads get only it.
/// </summary>
public sealed record AutoWinnerSettings
{
    public const int MaxMinSends = 1_000_000;

    public AbMetric? Metric { get; init; } = AbMetric.Reply;
    public int MinSendsPerVariant { get; init; } = 100;
    /// <summary>1 minus the largest p-value that decides, e.g. 0.95.</summary>
    public double Confidence { get; init; } = 0.95;
}

/// <summary>One variant's numbers when the test ran.</summary>
public sealed record VariantRate(string Variant, int Sends, int Successes, double Rate);

/// <summary>The stored outcome of an auto-winner test: who won, on what numbers, and when.</summary>
public sealed record WinnerDecision(string Variant, AbMetric Metric, double PValue, double Confidence, DateTime DecidedAt, IReadOnlyList<VariantRate> Rates);
