using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sequences.Tests.Infrastructure;

/// <summary>One throwaway PostgreSQL 15 per test run, started from the system binaries as a non-root
/// user, on a free loopback port, in a temp folder that is removed at exit. Test classes get their
/// own databases, copied from a migrated template.</summary>
public sealed class PostgresServer
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    public const string OwnerRole = "sequences_owner";
    public const string AppRole = "sequences_app";
    private const string Password = "test-password";
    private const string FolderPrefix = "sequences-pg-";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private static int _databases;
    private static int _swept;

    private readonly string _dir;
    private readonly int _port;
    private readonly bool _asRoot;

    private PostgresServer(string dir, int port, bool asRoot)
    {
        _dir = dir;
        _port = port;
        _asRoot = asRoot;
    }

    public static Task<PostgresServer> InstanceAsync() => Shared.Value;

    /// <summary>A server of its own, for a test that stops and restarts it: the shared one must stay up for the other classes.</summary>
    public static Task<PostgresServer> StartDedicatedAsync() => StartAsync();

    /// <summary>Stops the server as an operator's restart would (fast: open connections are terminated).</summary>
    public Task StopAsync() => RunAsPostgresAsync(_asRoot, "pg_ctl", $"-D {_dir}/data -m fast -w stop");

    /// <summary>Stops a dedicated server, if it still runs, and deletes its folder, while the run still can: the exit
    /// hook may not get to it.</summary>
    public async Task RemoveAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Left stopped by a test.
        }
        DeleteFolder(_dir);
    }

    /// <summary>Starts a stopped server again on the same port, so connection strings stay valid.</summary>
    public Task StartAgainAsync() => RunAsPostgresAsync(_asRoot, "pg_ctl", StartArguments(_dir, _port));

    public string ConnectionString(string database, string role) =>
        $"Host=127.0.0.1;Port={_port};Database={database};Username={role};Password={Password};Pooling=true;Include Error Detail=true";

    public string SuperuserConnection(string database = "postgres") => ConnectionString(database, "postgres");

    /// <summary>A fresh, empty database owned by the owner role; the app migrates it at start.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"seq_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await ExecuteAsync(SuperuserConnection(), $"CREATE DATABASE {name} OWNER {OwnerRole}");
        await ExecuteAsync(SuperuserConnection(name), $"GRANT ALL ON SCHEMA public TO {OwnerRole}; ALTER SCHEMA public OWNER TO {OwnerRole};");
        return name;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
            throw new InvalidOperationException($"PostgreSQL 15 binaries are missing at {BinDir}: run the README's test command, which installs them.");

        // Once, before this run has a folder of its own: a dedicated server a test has stopped must not look abandoned.
        if (Interlocked.Exchange(ref _swept, 1) == 0) RemoveAbandoned();
        var dir = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "sock"));
        await File.WriteAllTextAsync(Path.Combine(dir, "pw"), Password);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"-R postgres {dir}");

        var port = FreePort();
        await RunAsPostgresAsync(asRoot, "initdb", $"-D {dir}/data -U postgres --pwfile={dir}/pw --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync");
        await RunAsPostgresAsync(asRoot, "pg_ctl", StartArguments(dir, port));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(asRoot, dir);

        var server = new PostgresServer(dir, port, asRoot);
        await ExecuteAsync(server.SuperuserConnection(),
            $"CREATE ROLE {OwnerRole} LOGIN PASSWORD '{Password}'; CREATE ROLE {AppRole} LOGIN PASSWORD '{Password}';");
        return server;
    }

    /// <summary>Removes the folders of earlier runs whose server is gone. The exit handler below does not always get
    /// to delete its folder (a test host ended by its runner, a run stopped by hand), and each is a few hundred MB.</summary>
    private static void RemoveAbandoned()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), $"{FolderPrefix}*"))
        {
            // A young folder may be another run's server being set up, before it has written its pid file.
            if (Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow - TimeSpan.FromMinutes(10)) continue;
            if (ServerRunsIn(dir)) continue;
            DeleteFolder(dir);
        }
    }

    /// <summary>Best effort: a folder that cannot go now is removed by a later run (<see cref="RemoveAbandoned"/>).</summary>
    private static void DeleteFolder(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static bool ServerRunsIn(string dir)
    {
        try
        {
            // The postmaster's pid is the file's first line. A server that was killed leaves it behind, and its pid may
            // since belong to another process.
            var pid = File.ReadLines(Path.Combine(dir, "data", "postmaster.pid")).FirstOrDefault();
            return int.TryParse(pid, out var id) && File.ReadAllText($"/proc/{id}/comm").Trim() == "postgres";
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // another user's server: not ours to remove
        }
    }

    private static string StartArguments(string dir, int port) =>
        $"-D {dir}/data -w -l {dir}/log -o \"-p {port} -h 127.0.0.1 -k {dir}/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start";

    /// <summary>At exit: the runner ends the test host right after the last test, before a stop that waits for the
    /// server could finish, so a detached shell stops the server and removes the folder. (Already stopped, as a test
    /// that restarts its own server may leave it, pg_ctl fails and the folder goes all the same.)</summary>
    private static void Stop(bool asRoot, string dir)
    {
        var stop = (asRoot ? "runuser -u postgres -- " : "") + $"{BinDir}/pg_ctl -D '{dir}/data' -m immediate -w stop";
        var info = new ProcessStartInfo("setsid", ["sh", "-c", $"{stop} >/dev/null 2>&1; rm -rf '{dir}'"]) { UseShellExecute = false };
        try
        {
            Process.Start(info)?.Dispose();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No setsid: the next run removes the folder (RemoveAbandoned).
        }
    }

    private static Task RunAsPostgresAsync(bool asRoot, string tool, string args) =>
        asRoot ? RunAsync("runuser", $"-u postgres -- {BinDir}/{tool} {args}") : RunAsync($"{BinDir}/{tool}", args);

    private static async Task RunAsync(string file, string args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {args} failed ({process.ExitCode}): {await stdout} {await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
