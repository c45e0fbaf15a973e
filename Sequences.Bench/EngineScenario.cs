using System.Diagnostics;

namespace Sequences.Bench;

public sealed record EngineResult(Provider Provider, int Leads, TimeSpan Elapsed, int Sent, TimeSpan SeedTime, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Cpu)
{
    public double MailsPerSecond => Sent / Elapsed.TotalSeconds;
}

/// <summary>
/// A full queue pass (claim, render, send, log, advance) over N due leads with one email step, with the real
/// QueuePass and SmtpTransport. A small pass first warms JIT, EF's model and the pools, as a running host has them.
/// </summary>
public static class EngineScenario
{
    public const int WarmUpLeads = 2_000;

    public static async Task<EngineResult> RunAsync(BenchApp app, BenchSink sink, int leads, CancellationToken ct)
    {
        await WarmUpAsync(app, ct);
        var seed = await app.SeedAsync(leads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
        await VerifySeededAsync(app, 2 * WarmUpLeads + leads, ct);
        return await MeasurePassAsync(app, sink, leads, seed, ct);
    }

    public static async Task WarmUpAsync(BenchApp app, CancellationToken ct)
    {
        // Two passes: enough calls for the tiered JIT to reach its optimised code, as in a host that has run a while.
        for (var i = 0; i < 2; i++)
        {
            await app.SeedAsync(WarmUpLeads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
            var warm = await app.RunPassAsync(ct);
            if (warm.EmailsSent != WarmUpLeads) throw new BenchException($"warm-up pass sent {warm.EmailsSent} of {WarmUpLeads}.");
        }
    }

    public static async Task VerifySeededAsync(BenchApp app, int expected, CancellationToken ct)
    {
        var seen = await app.CountStatesAsync(ct);
        if (seen != expected) throw new BenchException($"the app sees {seen} seeded enrollments, expected {expected}: the bulk insert's format is off.");
    }

    public static async Task<EngineResult> MeasurePassAsync(BenchApp app, BenchSink sink, int leads, TimeSpan seed, CancellationToken ct)
    {
        sink.ResetCounters();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = await app.RunPassAsync(ct);
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (result.EmailsSent != leads || sink.Accepted != leads)
            throw new BenchException($"engine ({app.Database.Provider}): the pass sent {result.EmailsSent} and the sink accepted {sink.Accepted}, expected {leads}; " + await app.DescribeNotSentAsync(ct));
        return new EngineResult(app.Database.Provider, leads, watch.Elapsed, result.EmailsSent, seed, allocated,
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, cpu);
    }
}
