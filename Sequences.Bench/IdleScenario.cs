using System.Diagnostics;

namespace Sequences.Bench;

public sealed record IdleResult(Provider Provider, int States, TimeSpan First, TimeSpan Median, TimeSpan Max, TimeSpan SeedTime);

/// <summary>
/// What a scheduler pass costs when N enrollments are scheduled over the next 30 days and none is due: the
/// price every host pays every poll interval. The first pass on the fresh data is reported apart from the
/// steady state (the median of the following passes).
/// </summary>
public static class IdleScenario
{
    private const int Passes = 15;

    public static async Task<IdleResult> RunAsync(BenchApp app, int states, CancellationToken ct)
    {
        await EngineScenario.WarmUpAsync(app, ct);
        var start = DateTime.UtcNow.AddHours(1);
        var spread = TimeSpan.FromDays(30).Ticks / Math.Max(1, states);
        var seed = await app.SeedAsync(states, i => start.AddTicks(spread * ((i * 7919L) % states)), ct);
        await EngineScenario.VerifySeededAsync(app, EngineScenario.WarmUpLeads + states, ct);

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
