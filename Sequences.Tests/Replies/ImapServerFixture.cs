using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Sequences.Tests.Replies;

/// <summary>
/// A real mail server with IMAP for the reply poller's tests: smtp4dev 3.15 (the local dotnet tool of this repo),
/// on free loopback ports, with an in-memory store. It accepts any login and delivers every mail it receives over
/// SMTP to the one INBOX, which is what a poller of one mailbox needs.
/// </summary>
public sealed class ImapServerFixture : IAsyncLifetime
{
    public const string Host = "127.0.0.1";
    public const string Username = "owner";
    public const string Password = "secret";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"smtp4dev-{Guid.NewGuid():N}");
    private Process? _process;

    public int SmtpPort { get; private set; }
    public int ImapPort { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var root = RepoRoot();
        // test.sh restores tools already; this keeps a bare `dotnet test` working too (a no-op when restored).
        await RunToEndAsync("dotnet", ["tool", "restore"], root);

        // A port picked free can be taken before smtp4dev binds it; a fresh set of ports on the next try settles that.
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts(3);
            SmtpPort = ports[0];
            ImapPort = ports[1];
            _process = Start(root, webPort: ports[2]);
            if (await WaitUntilServingAsync(_process)) return;
            await StopAsync();
            if (attempt == 3)
                throw new InvalidOperationException($"smtp4dev did not start on SMTP {SmtpPort} / IMAP {ImapPort}. Output:\n{string.Join('\n', _output)}");
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Delivers over SMTP and waits until IMAP shows them, so a poll right after sees every one.</summary>
    public async Task DeliverAsync(params MimeMessage[] messages)
    {
        var before = await InboxCountAsync();
        using (var smtp = new SmtpClient())
        {
            // Nagle off, or each SMTP command waits for a delayed ACK (see STACK-NOTES).
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, SmtpPort);
            await smtp.ConnectAsync(socket, Host, SmtpPort, SecureSocketOptions.None);
            foreach (var message in messages) await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await InboxCountAsync() < before + messages.Length)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"smtp4dev did not store {messages.Length} message(s) within 30 s.");
            await Task.Delay(50);
        }
    }

    public async Task<int> InboxCountAsync()
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(Host, ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(Username, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var count = imap.Inbox.Count;
        await imap.DisconnectAsync(true);
        return count;
    }

    private Process Start(string root, int webPort)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])
                 [
                     "tool", "run", "smtp4dev", "--",
                     $"--urls=http://{Host}:{webPort}", $"--smtpport={SmtpPort}", $"--imapport={ImapPort}", "--pop3port=",
                     "--bindaddress=" + Host, "--hostname=localhost", "--db=", "--nousersettings", $"--baseappdatapath={_dataDir}",
                 ])
            info.ArgumentList.Add(arg);
        // The tests' own ASP.NET settings must not leak into the mail server.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls until both servers greet (not just accept), or the process dies, or the time is up.</summary>
    private async Task<bool> WaitUntilServingAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await GreetsAsync(SmtpPort, "220") && await GreetsAsync(ImapPort, "* OK")) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private static async Task<bool> GreetsAsync(int port, string greeting)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            var line = await reader.ReadLineAsync(timeout.Token);
            return line?.StartsWith(greeting, StringComparison.Ordinal) == true;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        try
        {
            // `dotnet tool run` starts smtp4dev as a child: the whole tree goes.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { }
        finally
        {
            process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    private static int[] FreePorts(int count)
    {
        // All listeners open at once, so the ports are distinct.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")) || File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
                return dir.FullName;
        throw new InvalidOperationException("No dotnet-tools.json above the test binaries: smtp4dev cannot be found.");
    }

    private static async Task RunToEndAsync(string file, string[] args, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
