using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sequences.Tests.Resilience;

/// <summary>
/// The real app as a separate OS process (<c>dotnet Sequences.Web.dll</c> from the build output), configured by
/// environment variables only, as an operator would run it. It can be killed without warning (SIGKILL), which an
/// in-process host cannot simulate: nothing of it gets to finish, flush or release.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int OutputLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the app wrote, for a failure message.</summary>
    public string OutputTail
    {
        get { lock (_output) return string.Join(Environment.NewLine, _output); }
    }

    /// <summary>Starts the app on a free loopback port and waits until <c>/health</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan readyWithin)
    {
        var dll = WebAssemblyPath();
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var app = new AppProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitReadyAsync(readyWithin);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>SIGKILL, no shutdown: what a crash, an OOM kill or a pulled plug looks like to the database and the relay.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{OutputTail}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > within) throw new TimeoutException($"The app was not ready within {within}:{Environment.NewLine}{OutputTail}");
            await Task.Delay(200);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLines) _output.Dequeue();
        }
    }

    /// <summary>The web project's own build output (same configuration as the tests), else the copy beside the tests.</summary>
    private static string WebAssemblyPath()
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        for (var dir = new DirectoryInfo(testBin); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Sequences.sln"))) continue;
            var own = Path.Combine(dir.FullName, "Sequences.Web", "bin", configuration, framework, "Sequences.Web.dll");
            if (File.Exists(own)) return own;
            break;
        }
        var beside = Path.Combine(testBin, "Sequences.Web.dll");
        return File.Exists(beside) ? beside : throw new FileNotFoundException("Sequences.Web.dll was not built.", beside);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
    }
}
