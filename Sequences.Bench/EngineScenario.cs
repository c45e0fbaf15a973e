using System.Diagnostics;

namespace Sequences.Bench;

public sealed record EngineResult(Provider Provider, int Leads, TimeSpan Elapsed, int Sent, TimeSpan SeedTime, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Cpu,
    WarmUp WarmUp, TimeSpan Jit)
{
    public double MailsPerSecond => Sent / Elapsed.TotalSeconds;
}

/// <summary>How the app was warmed: passes run and the JIT's share of the last one.</summary>
public sealed record WarmUp(int Passes, TimeSpan LastPass, TimeSpan LastPassJit)
{
    public int Leads => Passes * EngineScenario.WarmUpLeads;
}

/// <summary>
/// A full queue pass (claim, render, send, log, advance) over N due leads with one email step, with the real
/// QueuePass and SmtpTransport, measured on a warmed host: small passes first warm EF's model, the pools and the JIT
/// until its background recompiling has settled, as in a host that has been sending for a while.
/// </summary>
public static class EngineScenario
{
    public const int WarmUpLeads = 2_000;
    private const int MinWarmUpPasses = 2;
    private const int MaxWarmUpPasses = 30;
    // The tiered JIT promotes a method after 30 calls, twice with dynamic PGO (instrumented, then optimised), so code
    // run once per batch or per pass needs many passes to reach its final form; until then the background
    // compiler takes up to half of the 2 cores. A pass that spends under this share compiling counts as settled.
    private const double SettledJitShare = 0.05;

    public static async Task<EngineResult> RunAsync(BenchApp app, BenchSink sink, int leads, CancellationToken ct)
    {
        var warm = await WarmUpAsync(app, ct);
        var seed = await app.SeedAsync(leads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
        await VerifySeededAsync(app, warm.Leads + leads, ct);
        return await MeasurePassAsync(app, sink, leads, seed, warm, ct);
    }

    /// <summary>Runs passes of <see cref="WarmUpLeads"/> until the JIT settles (or, with <paramref name="settle"/>
    /// false, just the minimum that loads everything once).</summary>
    public static async Task<WarmUp> WarmUpAsync(BenchApp app, CancellationToken ct, bool settle = true)
    {
        for (var pass = 1; ; pass++)
        {
            await app.SeedAsync(WarmUpLeads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var watch = Stopwatch.StartNew();
            var warm = await app.RunPassAsync(ct);
            watch.Stop();
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
            if (warm.EmailsSent != WarmUpLeads) throw new BenchException($"warm-up pass sent {warm.EmailsSent} of {WarmUpLeads}.");
            var settled = !settle || jit < watch.Elapsed * SettledJitShare;
            if ((pass >= MinWarmUpPasses && settled) || pass == MaxWarmUpPasses)
                return new WarmUp(pass, watch.Elapsed, jit);
        }
    }

    public static async Task VerifySeededAsync(BenchApp app, int expected, CancellationToken ct)
    {
        var seen = await app.CountStatesAsync(ct);
        if (seen != expected) throw new BenchException($"the app sees {seen} seeded enrollments, expected {expected}: the bulk insert's format is off.");
    }

    public static async Task<EngineResult> MeasurePassAsync(BenchApp app, BenchSink sink, int leads, TimeSpan seed, WarmUp warm, CancellationToken ct)
    {
        sink.ResetCounters();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var watch = Stopwatch.StartNew();
        var result = await app.RunPassAsync(ct);
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (result.EmailsSent != leads || sink.Accepted != leads)
            throw new BenchException($"engine ({app.Database.Provider}): the pass sent {result.EmailsSent} and the sink accepted {sink.Accepted}, expected {leads}; " + await app.DescribeNotSentAsync(ct));
        return new EngineResult(app.Database.Provider, leads, watch.Elapsed, result.EmailsSent, seed, allocated,
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, cpu, warm, jit);
    }
}
