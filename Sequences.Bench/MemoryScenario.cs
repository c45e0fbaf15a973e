using System.Diagnostics;
using System.Globalization;

namespace Sequences.Bench;

public sealed record MemoryResult(Provider Provider, int Leads, long PeakWorkingSet, long WorkingSetBefore, TimeSpan Elapsed, int Sent)
{
    public double MailsPerSecond => Sent / Elapsed.TotalSeconds;
}

/// <summary>
/// Peak working set of one pass over N due leads. It runs in a child process of its own, so what earlier
/// scenarios (or seeding) touched does not count; the peak is the kernel's high-water mark (VmHWM), reset
/// just before the pass, with a sampler as a cross-check where the reset is not allowed.
/// </summary>
public static class MemoryScenario
{
    public const string ChildCommand = "__memory-child";
    private const string ResultPrefix = "MEMORY-RESULT ";

    public static async Task<MemoryResult> RunInChildAsync(Provider provider, int leads, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new BenchException("Cannot find the bench's own executable.");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet Sequences.Bench.dll` the process is the dotnet host: name the assembly too.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(MemoryScenario).Assembly.Location);
        foreach (var arg in new[] { ChildCommand, "--leads", leads.ToString(CultureInfo.InvariantCulture), "--provider", provider.ToString().ToLowerInvariant() })
            info.ArgumentList.Add(arg);
        using var child = Process.Start(info) ?? throw new BenchException("Could not start the memory child process.");
        string? result = null;
        while (await child.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) result = line[ResultPrefix.Length..];
            else Console.WriteLine(line);
        }
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0 || result is null) throw new BenchException($"memory ({provider}): the child process failed (exit {child.ExitCode}).");
        var f = result.Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new MemoryResult(provider, leads, f[0], f[1], TimeSpan.FromMilliseconds(f[2]), (int)f[3]);
    }

    /// <summary>The child's side: seed, warm up, reset the high-water mark, run the pass, report.</summary>
    public static async Task RunChildAsync(Provider provider, int leads, CancellationToken ct)
    {
        await using var sink = new BenchSink();
        PostgresInstance? postgres = null;
        try
        {
            var database = await BenchDatabase.CreateAsync(provider, async () => postgres = await PostgresInstance.StartAsync());
            await using var app = await BenchApp.CreateAsync(database, sink);
            await EngineScenario.WarmUpAsync(app, ct);
            await app.SeedAsync(leads, _ => DateTime.UtcNow.AddMinutes(-1), ct);

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var before = Environment.WorkingSet;
            var resetWorked = ProcessMemory.TryResetPeak();
            using var sampler = new ProcessMemory.Sampler();
            sink.ResetCounters();
            var watch = Stopwatch.StartNew();
            var pass = await app.RunPassAsync(ct);
            watch.Stop();
            var peak = Math.Max(sampler.Max, resetWorked ? ProcessMemory.PeakWorkingSet() : 0);
            if (pass.EmailsSent != leads || sink.Accepted != leads)
                throw new BenchException($"memory ({provider}): the pass sent {pass.EmailsSent} and the sink accepted {sink.Accepted}, expected {leads}; " + await app.DescribeNotSentAsync(ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ResultPrefix}{peak} {before} {(long)watch.Elapsed.TotalMilliseconds} {pass.EmailsSent}"));
        }
        finally
        {
            if (postgres is not null) await postgres.DisposeAsync();
        }
    }
}

/// <summary>The process's resident memory, from Linux's /proc.</summary>
public static class ProcessMemory
{
    /// <summary>Writing 5 to clear_refs resets VmHWM to the current resident size (Linux 4.0+).</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakWorkingSet()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    /// <summary>Polls the working set every 10 ms and keeps the largest value seen.</summary>
    public sealed class Sampler : IDisposable
    {
        private readonly Timer _timer;
        private long _max = Environment.WorkingSet;

        public Sampler() => _timer = new Timer(_ => Sample(), null, 0, 10);

        public long Max
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _max);
            }
        }

        private void Sample()
        {
            var now = Environment.WorkingSet;
            long seen;
            while (now > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
