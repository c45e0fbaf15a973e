using System.Diagnostics;
using System.Globalization;

namespace Sequences.Bench;

/// <summary>What a timed run cost the bench process: CPU (sink included), allocation, collections and their pauses,
/// and the JIT's share. The baseline and the engine report the same figures, so their difference is the engine's.</summary>
public sealed record RunCost(TimeSpan Elapsed, TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause, TimeSpan Jit, long? WrittenBytes, TimeSpan ServerCpu)
{
    public string PerMail(int mails) => string.Create(CultureInfo.InvariantCulture,
        $"CPU {Cpu.TotalMilliseconds / mails:N2} ms/mail (sink included); {AllocatedBytes / 1024.0 / mails:N0} KB allocated/mail; GC {Gen0}/{Gen1}/{Gen2}, paused {Report.Ms(GcPause)}")
        + (WrittenBytes is { } written && written / 1024.0 / mails >= 0.05 ? string.Create(CultureInfo.InvariantCulture, $"; {written / 1024.0 / mails:N1} KB written to disk/mail") : "")
        + (ServerCpu.TotalMilliseconds / mails >= 0.01 ? string.Create(CultureInfo.InvariantCulture, $"; PostgreSQL server CPU {ServerCpu.TotalMilliseconds / mails:N2} ms/mail") : "");

    /// <summary>Two runs taken together, as if one.</summary>
    public RunCost Plus(RunCost other) => new(Elapsed + other.Elapsed, Cpu + other.Cpu, AllocatedBytes + other.AllocatedBytes,
        Gen0 + other.Gen0, Gen1 + other.Gen1, Gen2 + other.Gen2, GcPause + other.GcPause, Jit + other.Jit,
        WrittenBytes is null && other.WrittenBytes is null ? null : (WrittenBytes ?? 0) + (other.WrittenBytes ?? 0), ServerCpu + other.ServerCpu);
}

/// <summary>Starts counting at construction (after a full collection, so earlier garbage is not billed to the run).</summary>
public sealed class CostMeter
{
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0, _gen1, _gen2;
    private readonly TimeSpan _pause;
    private readonly TimeSpan _jit;
    private readonly Stopwatch _watch;
    private readonly long? _written;
    private readonly TimeSpan _serverCpu;
    private readonly int? _serverPid;

    /// <param name="serverPid">The database server's main process, whose CPU (and its children's) is counted too.</param>
    public CostMeter(int? serverPid = null)
    {
        _serverPid = serverPid;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _pause = GC.GetTotalPauseDuration();
        _jit = System.Runtime.JitInfo.GetCompilationTime();
        _written = WrittenBytes();
        _serverCpu = ServerCpu(serverPid);
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        _watch = Stopwatch.StartNew();
    }

    public RunCost Stop()
    {
        _watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
        return new RunCost(_watch.Elapsed, cpu, GC.GetTotalAllocatedBytes(precise: true) - _allocated,
            GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2,
            GC.GetTotalPauseDuration() - _pause, System.Runtime.JitInfo.GetCompilationTime() - _jit, WrittenBytes() - _written,
            ServerCpu(_serverPid) - _serverCpu);
    }

    /// <summary>What this process has sent to storage (Linux's per-process I/O accounting; the SQLite database and
    /// its WAL, nothing on PostgreSQL, whose server is another process): a figure that, unlike mails per second,
    /// does not move with the machine's load.</summary>
    private static long? WrittenBytes()
    {
        const string path = "/proc/self/io";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>CPU used so far by the database server's main process and its children (PostgreSQL's backends and
    /// background workers): they share the 2 cores with the bench, and this shows how much of them. Any other server
    /// on the machine is left out. Linux's per-process accounting, in USER_HZ ticks (100 per second).</summary>
    private static TimeSpan ServerCpu(int? serverPid)
    {
        if (serverPid is not { } server || !Directory.Exists("/proc")) return TimeSpan.Zero;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the process ended meanwhile
            }
            // After the name in parentheses: state, ppid, ...; utime and stime are the 14th and 15th fields of the line.
            var close = stat.LastIndexOf(')');
            if (close < 0) continue;
            var fields = stat[(close + 2)..].Split(' ');
            if (pid != server && int.Parse(fields[1], CultureInfo.InvariantCulture) != server) continue;
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
