using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Sequences.Bench;

/// <summary>One fresh database for one scenario: the app's settings for it, and bulk inserts that bypass EF.</summary>
public abstract class BenchDatabase : IAsyncDisposable
{
    public abstract Provider Provider { get; }

    /// <summary>Configuration keys the app reads (Database:Provider, connection strings).</summary>
    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Inserts the rows in large transactions, without EF: seeding must take seconds, not the pass's own time.</summary>
    public abstract Task InsertAsync(BulkRows rows, CancellationToken ct);

    /// <summary>Settles the database after a bulk load, as a running deployment would be settled (statistics, WAL).</summary>
    public abstract Task AfterBulkLoadAsync(CancellationToken ct);

    /// <summary>The database server's main process, when it is a process of its own (PostgreSQL).</summary>
    public virtual int? ServerPid => null;

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchDatabase> CreateAsync(Provider provider, Func<Task<PostgresInstance>> postgres) => provider switch
    {
        Provider.Sqlite => new SqliteBenchDatabase(),
        _ => await PostgresBenchDatabase.CreateAsync(await postgres()),
    };
}

public sealed class SqliteBenchDatabase : BenchDatabase
{
    private const int RowsPerTransaction = 50_000;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sequences-bench-{Guid.NewGuid():N}");

    public SqliteBenchDatabase() => Directory.CreateDirectory(_dir);

    private string ConnectionString => $"Data Source={Path.Combine(_dir, "sequences.db")}";

    public override Provider Provider => Provider.Sqlite;

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "sqlite",
        ["ConnectionStrings:Sequences"] = ConnectionString,
    };

    /// <summary>One prepared single-row INSERT, re-bound per row, in large transactions. (Multi-row statements are
    /// slower here: SQLite finds each named parameter by a linear search, so binding grows with the square of the count.)</summary>
    public override async Task InsertAsync(BulkRows rows, CancellationToken ct)
    {
        // A connection of its own (not pooled with the app's), with a cache that holds the indexes being filled and
        // no fsync: this is setup, not what is measured.
        await using var connection = new SqliteConnection(ConnectionString + ";Pooling=False");
        await connection.OpenAsync(ct);
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA cache_size = -262144; PRAGMA synchronous = OFF;";
            await pragmas.ExecuteNonQueryAsync(ct);
        }
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {rows.Table} ({string.Join(", ", rows.Columns.Select(c => c.Name))}) " +
                             $"VALUES ({string.Join(", ", rows.Columns.Select((_, i) => $"@p{i}"))})";
        var parameters = rows.Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter { ParameterName = $"@p{i}" })).ToArray();
        var values = new object?[rows.Columns.Count];
        for (var start = 0; start < rows.Count; start += RowsPerTransaction)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(rows.Count, start + RowsPerTransaction); i++)
            {
                rows.Fill(i, values);
                for (var c = 0; c < values.Length; c++) parameters[c].Value = ToSqlite(values[c]);
                insert.ExecuteNonQuery(); // synchronous: Microsoft.Data.Sqlite's async methods only wrap it
            }
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>Moves the bulk load out of the WAL into the database file, so the first pass does not pay for the seeding.</summary>
    public override async Task AfterBulkLoadAsync(CancellationToken ct)
    {
        await using var connection = new SqliteConnection(ConnectionString + ";Pooling=False");
        await connection.OpenAsync(ct);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync(ct);
    }

    // Stored exactly as EF Core's SQLite provider stores them: Guids as upper-case text, times as ISO text.
    private static object ToSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString().ToUpperInvariant(),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => value,
    };

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresBenchDatabase : BenchDatabase
{
    private readonly PostgresInstance _server;
    private readonly string _name;

    private PostgresBenchDatabase(PostgresInstance server, string name)
    {
        _server = server;
        _name = name;
    }

    public static async Task<PostgresBenchDatabase> CreateAsync(PostgresInstance server) => new(server, await server.CreateDatabaseAsync());

    public override Provider Provider => Provider.Postgres;

    public override int? ServerPid => _server.PostmasterPid;

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "postgres",
        ["ConnectionStrings:Sequences"] = _server.ConnectionString(_name, PostgresInstance.AppRole),
        ["ConnectionStrings:SequencesMigrations"] = _server.ConnectionString(_name, PostgresInstance.OwnerRole),
    };

    /// <summary>Binary COPY as the superuser (row-level security does not apply to seeding).</summary>
    public override async Task InsertAsync(BulkRows rows, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_server.SuperuserConnection(_name));
        await connection.OpenAsync(ct);
        var copy = $"COPY {rows.Table} ({string.Join(", ", rows.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        var values = new object?[rows.Columns.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            rows.Fill(i, values);
            await importer.StartRowAsync(ct);
            for (var c = 0; c < values.Length; c++)
            {
                var type = rows.Columns[c].PgType;
                var write = values[c] switch
                {
                    null => importer.WriteNullAsync(ct),
                    Guid g => importer.WriteAsync(g, type, ct),
                    string s => importer.WriteAsync(s, type, ct),
                    DateTime d => importer.WriteAsync(d, type, ct),
                    int n => importer.WriteAsync(n, type, ct),
                    var other => throw new BenchException($"No COPY mapping for {other.GetType().Name} in {rows.Table}.{rows.Columns[c].Name}."),
                };
                await write;
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>Planner statistics, as autovacuum would gather them shortly after a bulk load.</summary>
    public override Task AfterBulkLoadAsync(CancellationToken ct) =>
        PostgresInstance.ExecuteAsync(_server.SuperuserConnection(_name), "VACUUM ANALYZE lead_sequence_state; ANALYZE leads; ANALYZE outbound_messages; ANALYZE sequences;");

    public override async ValueTask DisposeAsync() => await _server.DropDatabaseAsync(_name);
}
