using System.Globalization;
using Microsoft.Extensions.Configuration;
using Sequences.Infrastructure.Engine;

namespace Sequences.Bench;

/// <summary>Runs the chosen scenarios in order and collects one table; targets are the issue's, on a 2-core machine.</summary>
public sealed class BenchRunner(BenchOptions options) : IAsyncDisposable
{
    private const double SqliteTarget = 2_000;
    private const double PostgresTarget = 1_500;
    private const double RatioTarget = 0.6;
    private const long MemoryTarget = 400L * 1024 * 1024;
    private static readonly TimeSpan IdleTarget = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan BuilderOpenTarget = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan BuilderDropTarget = TimeSpan.FromMilliseconds(100);

    private readonly BenchSink _sink = new();
    private readonly List<ReportRow> _rows = [];

    /// <summary>What finished so far: printed even when a later scenario fails.</summary>
    public IReadOnlyList<ReportRow> Rows => _rows;
    private PostgresInstance? _postgres;

    public async Task<IReadOnlyList<ReportRow>> RunAsync(CancellationToken ct)
    {
        var scenario = options.Scenario;
        var engines = new List<(EngineResult Engine, BaselineResult? Baseline)>();

        if (scenario is Scenario.SmtpBaseline)
            BaselineRow("-", await BaselineAsync("", ct), null);
        if (scenario is Scenario.All or Scenario.Engine or Scenario.Ratio)
            foreach (var provider in options.Providers)
                engines.Add(await EngineAsync(provider, withBaseline: scenario is not Scenario.Engine, ct));
        foreach (var (engine, baseline) in engines)
            if (baseline is not null) Ratio(baseline, engine);
        if (scenario is Scenario.All or Scenario.Memory)
            foreach (var provider in options.Providers) await MemoryAsync(provider, ct);
        if (scenario is Scenario.All or Scenario.Idle)
            foreach (var provider in options.Providers) await IdleAsync(provider, ct);
        // Not in all: it needs Chromium and measures the browser, not the engine.
        if (scenario is Scenario.Builder)
            await BuilderAsync(ct);
        return _rows;
    }

    private async Task<BaselineResult> BaselineAsync(string when, CancellationToken ct)
    {
        var n = options.LeadsFor(Scenario.SmtpBaseline);
        var connections = Math.Max(1, EngineSettings().Parallelism);
        Progress($"smtp-baseline: {n:N0} messages over {connections} connections{when}");
        return await SmtpBaselineScenario.RunAsync(_sink, n, connections, ct);
    }

    /// <summary>One row for a baseline run, or for the two around an engine pass taken together.</summary>
    private void BaselineRow(string provider, BaselineResult baseline, (BaselineResult Before, BaselineResult After)? around)
    {
        var runs = around is var (before, after)
            ? $"before the pass {Report.Rate(before.MailsPerSecond)}, after it {Report.Rate(after.MailsPerSecond)}; "
            : "";
        _rows.Add(new ReportRow("smtp-baseline", provider, around?.Before.Messages ?? baseline.Messages, Report.Rate(baseline.MailsPerSecond), "", null,
            string.Create(CultureInfo.InvariantCulture,
                $"{runs}{Report.Seconds(baseline.Elapsed)}, {baseline.Connections} connections, {Report.MessageSize(baseline.MessageBytes, baseline.Messages)}; {baseline.Cost.PerMail(baseline.Messages)}")));
    }

    /// <summary>A measured pass and, for the ratio, bare SMTP right before and right after it: this machine's speed
    /// drifts by 10–25% within minutes, so a baseline taken minutes earlier, before another provider's pass, compared
    /// the engine with a different machine.</summary>
    private async Task<(EngineResult Engine, BaselineResult? Baseline)> EngineAsync(Provider provider, bool withBaseline, CancellationToken ct)
    {
        var n = options.LeadsFor(Scenario.Engine);
        Progress($"engine ({Name(provider)}): seeding {n:N0} due leads, then one pass");
        await using var app = await CreateAppAsync(provider);
        var (warm, seed) = await EngineScenario.PrepareAsync(app, n, ct);
        var before = withBaseline ? await BaselineAsync($", before the {Name(provider)} pass", ct) : null;
        Progress($"engine ({Name(provider)}): the measured pass");
        var result = await EngineScenario.MeasurePassAsync(app, _sink, n, seed, warm, ct);
        var after = withBaseline ? await BaselineAsync($", after the {Name(provider)} pass", ct) : null;

        BaselineResult? baseline = null;
        if (before is not null && after is not null)
        {
            baseline = before.Plus(after);
            BaselineRow($"around {Name(provider)}", baseline, (before, after));
        }
        var target = provider == Provider.Sqlite ? SqliteTarget : PostgresTarget;
        _rows.Add(new ReportRow("engine", Name(provider), n, Report.Rate(result.MailsPerSecond), $">= {target:N0}/s", result.MailsPerSecond >= target,
            string.Create(CultureInfo.InvariantCulture,
                $"pass {Report.Seconds(result.Elapsed)} after {result.WarmUp.Passes} warm-up passes (JIT {Report.Ms(result.Cost.Jit)} in the pass), {Report.MessageSize(result.MessageBytes, result.Sent)}; {result.Cost.PerMail(result.Sent)}; seeded in {Report.Seconds(result.SeedTime)}")));
        return (result, baseline);
    }

    private void Ratio(BaselineResult baseline, EngineResult engine)
    {
        var ratio = engine.MailsPerSecond / baseline.MailsPerSecond;
        _rows.Add(new ReportRow("ratio", Name(engine.Provider), engine.Leads, ratio.ToString("N2", CultureInfo.InvariantCulture),
            $">= {RatioTarget:N1}", ratio >= RatioTarget,
            $"{Report.Rate(engine.MailsPerSecond)} / {Report.Rate(baseline.MailsPerSecond)}{Ceiling(baseline, engine)}"));
    }

    /// <summary>Where the database server shares the cores, its CPU per mail bounds the ratio even if the engine's own
    /// work cost nothing: both sides are CPU-bound, and the engine pays bare SMTP's CPU plus the server's.</summary>
    private static string Ceiling(BaselineResult baseline, EngineResult engine)
    {
        if (engine.Cost.ServerCpu <= TimeSpan.Zero || engine.Sent == 0 || baseline.Messages == 0) return "";
        var bare = baseline.Cost.Cpu.TotalMilliseconds / baseline.Messages;
        var server = engine.Cost.ServerCpu.TotalMilliseconds / engine.Sent;
        return string.Create(CultureInfo.InvariantCulture,
            $"; ceiling with the server on these cores, were the engine's own work free: {bare:N2} / ({bare:N2} + {server:N2}) ms CPU per mail = {bare / (bare + server):N2}");
    }

    private async Task MemoryAsync(Provider provider, CancellationToken ct)
    {
        var n = options.LeadsFor(Scenario.Memory);
        Progress($"memory ({Name(provider)}): a pass over {n:N0} due leads in a child process");
        var result = await MemoryScenario.RunInChildAsync(provider, n, ct);
        _rows.Add(new ReportRow("memory", Name(provider), n, $"{Report.Mb(result.PeakWorkingSet)} peak", "< 400 MB", result.PeakWorkingSet < MemoryTarget,
            $"{Report.Mb(result.WorkingSetBefore)} before the pass; pass {Report.Seconds(result.Elapsed)}, {Report.Rate(result.MailsPerSecond)}"));
    }

    private async Task IdleAsync(Provider provider, CancellationToken ct)
    {
        var n = options.LeadsFor(Scenario.Idle);
        Progress($"idle ({Name(provider)}): seeding {n:N0} scheduled states, none due");
        await using var app = await CreateAppAsync(provider);
        var result = await IdleScenario.RunAsync(app, n, ct);
        _rows.Add(new ReportRow("idle", Name(provider), n, $"{Report.Ms(result.Median)} median", "< 50 ms", result.Median < IdleTarget,
            $"first {Report.Ms(result.First)}, max {Report.Ms(result.Max)}; seeded in {Report.Seconds(result.SeedTime)}"));
    }

    private async Task BuilderAsync(CancellationToken ct)
    {
        var result = await BuilderScenario.RunAsync(Progress, ct);
        var runs = string.Create(CultureInfo.InvariantCulture,
            $"median of {result.Runs} page loads after {result.WarmUps} warm-up loads (server JIT {result.Jit.TotalMilliseconds:0} ms in the measured loads)");
        var errors = result.ValidationErrors == 0 ? "" : $"; {result.ValidationErrors} validation errors shown";
        _rows.Add(new ReportRow("builder-open", "sqlite", result.Steps, $"{Report.Ms(result.Open)} median", "< 1.5 s", result.Open < BuilderOpenTarget,
            $"in the page, navigation start to {result.Steps} step nodes on the canvas and the circuit interactive (interactive at {Report.Ms(result.Interactive)}); {Report.Ms(result.OpenWall)} as Playwright saw it; {runs}{errors}"));
        _rows.Add(new ReportRow("builder-drop", "sqlite", result.Steps, $"{Report.Ms(result.Drop)} median", "< 100 ms", result.Drop < BuilderDropTarget,
            $"in the page, palette drop event to the new node in the DOM (max {Report.Ms(result.DropMax)}); {runs}"));
    }

    private async Task<BenchApp> CreateAppAsync(Provider provider)
    {
        var database = await BenchDatabase.CreateAsync(provider, async () => _postgres ??= await PostgresInstance.StartAsync());
        try
        {
            return await BenchApp.CreateAsync(database, _sink);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The engine's options as the app will bind them (environment variables may override).</summary>
    public static EngineOptions EngineSettings() =>
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();

    private static string Name(Provider provider) => provider.ToString().ToLowerInvariant();

    private static void Progress(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    public async ValueTask DisposeAsync()
    {
        await _sink.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
