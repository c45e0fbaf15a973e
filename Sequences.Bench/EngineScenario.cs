namespace Sequences.Bench;

public sealed record EngineResult(Provider Provider, int Leads, int Sent, TimeSpan SeedTime, RunCost Cost, WarmUp WarmUp, long MessageBytes)
{
    public TimeSpan Elapsed => Cost.Elapsed;

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
/// until its background recompiling has settled (<see cref="JitWarmUp"/>), as in a host that has been sending for a while.
/// </summary>
public static class EngineScenario
{
    public const int WarmUpLeads = 2_000;

    /// <summary>Everything before the measured pass: warms the app, then seeds <paramref name="leads"/> due leads.</summary>
    public static async Task<(WarmUp Warm, TimeSpan Seed)> PrepareAsync(BenchApp app, int leads, CancellationToken ct)
    {
        var warm = await WarmUpAsync(app, ct);
        var seed = await app.SeedAsync(leads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
        await VerifySeededAsync(app, warm.Leads + leads, ct);
        return (warm, seed);
    }

    /// <summary>Runs passes of <see cref="WarmUpLeads"/> until the JIT settles (or, with <paramref name="settle"/>
    /// false, just the minimum that loads everything once).</summary>
    public static async Task<WarmUp> WarmUpAsync(BenchApp app, CancellationToken ct, bool settle = true)
    {
        var (passes, last, jit) = await JitWarmUp.RunAsync(async () =>
        {
            await app.SeedAsync(WarmUpLeads, _ => DateTime.UtcNow.AddMinutes(-1), ct);
            var warm = await app.RunPassAsync(ct);
            if (warm.EmailsSent != WarmUpLeads) throw new BenchException($"warm-up pass sent {warm.EmailsSent} of {WarmUpLeads}.");
        }, settle);
        return new WarmUp(passes, last, jit);
    }

    public static async Task VerifySeededAsync(BenchApp app, int expected, CancellationToken ct)
    {
        var seen = await app.CountStatesAsync(ct);
        if (seen != expected) throw new BenchException($"the app sees {seen} seeded enrollments, expected {expected}: the bulk insert's format is off.");
    }

    public static async Task<EngineResult> MeasurePassAsync(BenchApp app, BenchSink sink, int leads, TimeSpan seed, WarmUp warm, CancellationToken ct)
    {
        sink.ResetCounters();
        var meter = new CostMeter(app.Database.ServerPid);
        var result = await app.RunPassAsync(ct);
        var cost = meter.Stop();
        if (result.EmailsSent != leads || sink.Accepted != leads)
            throw new BenchException($"engine ({app.Database.Provider}): the pass sent {result.EmailsSent} and the sink accepted {sink.Accepted}, expected {leads}; " + await app.DescribeNotSentAsync(ct));
        return new EngineResult(app.Database.Provider, leads, result.EmailsSent, seed, cost, warm, sink.Bytes);
    }
}
