using System.Diagnostics;

namespace Sequences.Bench;

/// <summary>
/// Repeats a warm-up round until the JIT has settled. The tiered JIT promotes a method after 30 calls, twice with
/// dynamic PGO (instrumented, then optimised), so code run once per batch or per pass needs many rounds to reach its
/// final form; until then the background compiler takes up to half of the 2 cores. A round that spends under
/// <see cref="SettledShare"/> of its time compiling counts as settled. Both sides of the ratio warm this way: a
/// baseline measured on barely compiled code ran at ~3,300 mails/s where the warmed one runs at 4,300–5,400.
/// </summary>
public static class JitWarmUp
{
    public const int MinRounds = 2;
    public const int MaxRounds = 30;
    private const double SettledShare = 0.05;

    /// <summary>Runs <paramref name="round"/> until settled (or, with <paramref name="settle"/> false, the minimum);
    /// returns the rounds run and the last round's time and JIT time.</summary>
    public static async Task<(int Rounds, TimeSpan LastRound, TimeSpan LastRoundJit)> RunAsync(Func<Task> round, bool settle = true)
    {
        for (var rounds = 1; ; rounds++)
        {
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var watch = Stopwatch.StartNew();
            await round();
            watch.Stop();
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
            var settled = !settle || jit < watch.Elapsed * SettledShare;
            if ((rounds >= MinRounds && settled) || rounds == MaxRounds) return (rounds, watch.Elapsed, jit);
        }
    }
}
