using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sequences.Bench;

/// <summary>
/// A throwaway PostgreSQL 15 started the way the tests start theirs (Sequences.Tests/Infrastructure/PostgresServer):
/// the system binaries run as the postgres user (initdb refuses root), on a free loopback port, in a temp folder
/// removed at the end. The app connects as a role that does not own the tables, so row-level security applies.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    public const string OwnerRole = "bench_owner";
    public const string AppRole = "bench_app";
    private const string Password = "bench-password";

    private readonly string _dir;
    private readonly bool _asRoot;
    private readonly int _port;
    private int _databases;

    private PostgresInstance(string dir, bool asRoot, int port)
    {
        _dir = dir;
        _asRoot = asRoot;
        _port = port;
    }

    /// <summary>The server's main process (the first line of its pid file); its backends are its children.</summary>
    public int? PostmasterPid
    {
        get
        {
            try
            {
                return int.TryParse(File.ReadLines(Path.Combine(_dir, "data", "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    public static async Task<PostgresInstance> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
            throw new BenchException($"PostgreSQL 15 binaries are missing at {BinDir} (./test.sh installs them).");
        var dir = Path.Combine(Path.GetTempPath(), $"sequences-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "sock"));
        await File.WriteAllTextAsync(Path.Combine(dir, "pw"), Password);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"-R postgres {dir}");

        var port = FreePort();
        var instance = new PostgresInstance(dir, asRoot, port);
        await instance.RunToolAsync("initdb", $"-D {dir}/data -U postgres --pwfile={dir}/pw --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync");
        // The tests' settings: durability off (a throwaway server), enough connections for several pools.
        await instance.RunToolAsync("pg_ctl",
            $"-D {dir}/data -w -l {dir}/log -o \"-p {port} -h 127.0.0.1 -k {dir}/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start");
        await ExecuteAsync(instance.SuperuserConnection(),
            $"CREATE ROLE {OwnerRole} LOGIN PASSWORD '{Password}'; CREATE ROLE {AppRole} LOGIN PASSWORD '{Password}';");
        return instance;
    }

    public string ConnectionString(string database, string role) =>
        $"Host=127.0.0.1;Port={_port};Database={database};Username={role};Password={Password};Pooling=true;Maximum Pool Size=50";

    public string SuperuserConnection(string database = "postgres") => ConnectionString(database, "postgres");

    /// <summary>A fresh, empty database owned by the owner role; the app migrates it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"bench_{Interlocked.Increment(ref _databases)}";
        await ExecuteAsync(SuperuserConnection(), $"CREATE DATABASE {name} OWNER {OwnerRole}");
        await ExecuteAsync(SuperuserConnection(name), $"GRANT ALL ON SCHEMA public TO {OwnerRole}; ALTER SCHEMA public OWNER TO {OwnerRole};");
        return name;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(SuperuserConnection(), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunToolAsync("pg_ctl", $"-D {_dir}/data -m immediate -w stop");
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"warning: could not stop the bench PostgreSQL: {e.Message}");
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Task RunToolAsync(string tool, string args) =>
        _asRoot ? RunAsync("runuser", $"-u postgres -- {BinDir}/{tool} {args}") : RunAsync($"{BinDir}/{tool}", args);

    private static async Task RunAsync(string file, string args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new BenchException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new BenchException($"{file} {args} failed ({process.ExitCode}): {await stdout} {await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A failure of the bench's own setup, reported as one line rather than a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);
