using System.Diagnostics;
using Microsoft.Playwright;

namespace Sequences.Bench;

/// <summary>Medians over several page loads of the builder in Debian's Chromium, after warm-up loads that run until the
/// server's JIT has settled, as in a host that has served pages for a while.</summary>
/// <param name="Open">In the page: from navigation start (performance.now()'s origin) to the canvas showing every step node
/// with the circuit interactive.</param>
/// <param name="OpenWall">The same, timed from the bench: Playwright's navigation call until the page reported ready.</param>
/// <param name="Drop">In the page: from dispatching a palette drop on the canvas to the new node being in the DOM.</param>
/// <param name="Interactive">In the page: when the circuit first rendered interactively (before the canvas filled).</param>
/// <param name="WarmUps">Page loads before the measured ones, until the server's JIT settled (<see cref="JitWarmUp"/>).</param>
/// <param name="Jit">The server's compile time during the measured page loads.</param>
public sealed record BuilderResult(int Steps, int Runs, TimeSpan Open, TimeSpan OpenWall, TimeSpan Interactive, TimeSpan Drop, TimeSpan DropMax, int ValidationErrors,
    int WarmUps, TimeSpan Jit);

public static class BuilderScenario
{
    public const int Steps = 60;
    public const int Runs = 5;
    private const string Chromium = "/usr/bin/chromium";
    private const float Timeout = 60_000;

    /// <summary>Installed in every page before its scripts: notes the first moment the builder is usable, from DOM
    /// mutations, so the figure does not include the bench's own polling.</summary>
    private static readonly string ReadyProbe = $$"""
        (() => {
          const check = () => {
            if (window.__builderReadyAt !== undefined) return;
            if (!document.querySelector('[data-testid=page-header][data-interactive=true]')) return;
            window.__interactiveAt ??= performance.now();
            const canvas = document.querySelector('[data-testid=builder-canvas][data-ready=true]');
            const nodes = canvas ? canvas.querySelectorAll('[data-testid=step-node]').length : 0;
            if (nodes < {{Steps}}) return;
            window.__builderReadyAt = performance.now();
            observer.disconnect();
          };
          const observer = new MutationObserver(check);
          observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready', 'data-interactive'] });
        })();
        """;

    /// <summary>A palette email dragged onto empty canvas right of the chain (so it appends). The dragstart goes
    /// first and is given time to reach the server, as a person's drag would; only the drop is timed.</summary>
    private const string TimedDrop = """
        async ({ x, y }) => {
          const palette = document.querySelector('[data-testid=palette-email]');
          const canvas = document.querySelector('[data-testid=builder-canvas]');
          const count = () => canvas.querySelectorAll('[data-testid=step-node]').length;
          const before = count();
          const data = new DataTransfer();
          palette.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: data }));
          await new Promise(r => setTimeout(r, 400));
          const box = canvas.getBoundingClientRect();
          return await new Promise(resolve => {
            let start = 0;
            const timeout = setTimeout(() => { observer.disconnect(); resolve(-1); }, 20000);
            const observer = new MutationObserver(() => {
              if (count() <= before) return;
              const elapsed = performance.now() - start;
              observer.disconnect();
              clearTimeout(timeout);
              resolve(elapsed);
            });
            observer.observe(canvas, { childList: true, subtree: true });
            start = performance.now();
            canvas.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, clientX: box.left + x, clientY: box.top + y, dataTransfer: data }));
          });
        }
        """;

    public static async Task<BuilderResult> RunAsync(Action<string> progress, CancellationToken ct)
    {
        if (!File.Exists(Chromium)) throw new BenchException($"{Chromium} is missing: apt-get install -y chromium.");
        progress("builder: starting the app on Kestrel (SQLite in a temp folder)");
        await using var host = BuilderHost.Start();
        var (sequenceId, errors) = await host.CreateSequenceAsync(BuilderSequence.Create(Steps));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1400 } });
        await context.AddInitScriptAsync(ReadyProbe);
        await SignInAsync(context, host.BaseUrl);

        var url = $"{host.BaseUrl}/sequences/{sequenceId}/edit";
        // The app runs in this process, so the JIT's clock is the server's. Measured on the first page loads, the
        // figure was mostly the tiered JIT recompiling the render paths (~0.8 s of the open time).
        var warmUps = 0;
        await JitWarmUp.RunAsync(async () =>
        {
            ct.ThrowIfCancellationRequested();
            progress($"builder: warm-up page load {++warmUps}, {Steps} steps");
            await LoadAsync(context, url);
        });
        var opens = new List<TimeSpan>();
        var walls = new List<TimeSpan>();
        var interactives = new List<TimeSpan>();
        var drops = new List<TimeSpan>();
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        for (var run = 1; run <= Runs; run++)
        {
            ct.ThrowIfCancellationRequested();
            progress($"builder: run {run} of {Runs}");
            var (open, drop) = await LoadAsync(context, url);
            opens.Add(open.Ready);
            walls.Add(open.Wall);
            interactives.Add(open.Interactive);
            drops.Add(drop);
        }
        jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
        // Browser timings swing with other load on the machine: say how busy it was.
        if (File.Exists("/proc/loadavg")) progress($"builder: load average {File.ReadAllText("/proc/loadavg").Trim()}");
        return new BuilderResult(Steps, Runs, Median(opens), Median(walls), Median(interactives), Median(drops), drops.Max(), errors, warmUps, jit);
    }

    /// <summary>Opens the builder in a fresh page (a new circuit, the browser's cache warm as for a returning user),
    /// drops a step on it, and closes it, which skips the unsaved-changes prompt the drop left behind.</summary>
    private static async Task<(OpenTiming Open, TimeSpan Drop)> LoadAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        try
        {
            var open = await OpenAsync(page, url);
            return (open, await DropAsync(page));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private sealed record OpenTiming(TimeSpan Interactive, TimeSpan Ready, TimeSpan Wall);

    private static async Task<OpenTiming> OpenAsync(IPage page, string url)
    {
        var watch = Stopwatch.StartNew();
        await page.GotoAsync(url, new() { Timeout = Timeout });
        await page.WaitForFunctionAsync("() => window.__builderReadyAt !== undefined", null, new() { Timeout = Timeout });
        var wall = watch.Elapsed;
        var marks = await page.EvaluateAsync<double[]>("() => [window.__interactiveAt, window.__builderReadyAt]");
        return new OpenTiming(TimeSpan.FromMilliseconds(marks[0]), TimeSpan.FromMilliseconds(marks[1]), wall);
    }

    private static async Task<TimeSpan> DropAsync(IPage page)
    {
        var elapsed = await page.EvaluateAsync<double>(TimedDrop, new { x = 600, y = 200 });
        if (elapsed < 0) throw new BenchException("The dropped step never appeared on the canvas.");
        return TimeSpan.FromMilliseconds(elapsed);
    }

    private static async Task SignInAsync(IBrowserContext context, string baseUrl)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{baseUrl}/login", new() { Timeout = Timeout });
        await page.GetByTestId("login-email").FillAsync(BuilderHost.AdminEmail);
        await page.GetByTestId("login-password").FillAsync(BuilderHost.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        try
        {
            await page.GetByTestId("current-user").WaitForAsync(new() { Timeout = Timeout });
        }
        catch (TimeoutException)
        {
            throw new BenchException($"Could not sign in as {BuilderHost.AdminEmail}.");
        }
        await page.CloseAsync();
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
