using System.Diagnostics;

namespace Sequences.Bench;

public sealed record IdleResult(Provider Provider, int States, TimeSpan First, TimeSpan Median, TimeSpan Max, TimeSpan SeedTime);

/// <summary>
/// What a scheduler pass costs when N enrollments are scheduled over the next 30 days and none is due (each with an
/// earlier email sent, so outbound_messages is as large as in a deployment that has been sending): the
/// price every host pays every poll interval. The first pass on the fresh data is reported apart from the
/// steady state (the median of the following passes).
/// </summary>
public static class IdleScenario
{
    private const int Passes = 15;

    public static async Task<IdleResult> RunAsync(BenchApp app, int states, CancellationToken ct)
    {
        // The idle pass runs little code, so it needs no settled JIT: loading everything once is enough.
        var warm = await EngineScenario.WarmUpAsync(app, ct, settle: false);
        var start = DateTime.UtcNow.AddHours(1);
        var spread = TimeSpan.FromDays(30).Ticks / Math.Max(1, states);
        var seed = await app.SeedAsync(states, i => start.AddTicks(spread * i), ct, history: true);
        await EngineScenario.VerifySeededAsync(app, warm.Leads + states, ct);

        // Seeding allocates a lot in this process: collect now, so the first pass does not pay for it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var first = await TimePassAsync(app, ct);
        var times = new List<TimeSpan>();
        for (var i = 0; i < Passes; i++) times.Add(await TimePassAsync(app, ct));
        times.Sort();
        return new IdleResult(app.Database.Provider, states, first, times[times.Count / 2], times[^1], seed);
    }

    private static async Task<TimeSpan> TimePassAsync(BenchApp app, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var result = await app.RunPassAsync(ct);
        watch.Stop();
        if (result.Processed != 0) throw new BenchException($"idle ({app.Database.Provider}): the pass processed {result.Processed} enrollments; none was due.");
        return watch.Elapsed;
    }
}
