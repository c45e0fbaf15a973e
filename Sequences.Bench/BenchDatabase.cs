using System.Globalization;
using System.Text;
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

    /// <summary>Refreshes planner statistics after a bulk load, as autovacuum would shortly after one.</summary>
    public virtual Task AnalyzeAsync(CancellationToken ct) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchDatabase> CreateAsync(Provider provider, Func<Task<PostgresInstance>> postgres) => provider switch
    {
        Provider.Sqlite => new SqliteBenchDatabase(),
        _ => await PostgresBenchDatabase.CreateAsync(await postgres()),
    };
}

public sealed class SqliteBenchDatabase : BenchDatabase
{
    // Rows per INSERT statement: one prepared statement binds this many rows at once.
    private const int RowsPerStatement = 64;
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

    public override async Task InsertAsync(BulkRows rows, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        var values = new object?[rows.Columns.Count];
        SqliteCommand? full = null;
        for (var start = 0; start < rows.Count; start += RowsPerTransaction)
        {
            var end = Math.Min(rows.Count, start + RowsPerTransaction);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            for (var i = start; i < end; i += RowsPerStatement)
            {
                var n = Math.Min(RowsPerStatement, end - i);
                var command = n == RowsPerStatement ? full ??= Prepare(connection, rows, n) : Prepare(connection, rows, n);
                command.Transaction = transaction;
                for (var r = 0; r < n; r++)
                {
                    rows.Fill(i + r, values);
                    for (var c = 0; c < values.Length; c++) command.Parameters[r * values.Length + c].Value = ToSqlite(values[c]);
                }
                await command.ExecuteNonQueryAsync(ct);
                if (command != full) await command.DisposeAsync();
            }
            await transaction.CommitAsync(ct);
        }
        if (full is not null) await full.DisposeAsync();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, BulkRows rows, int count)
    {
        var sql = new StringBuilder($"INSERT INTO {rows.Table} ({string.Join(", ", rows.Columns.Select(c => c.Name))}) VALUES ");
        var command = connection.CreateCommand();
        for (var r = 0; r < count; r++)
        {
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var c = 0; c < rows.Columns.Count; c++)
            {
                var name = $"@p{r}_{c}";
                if (c > 0) sql.Append(", ");
                sql.Append(name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            sql.Append(')');
        }
        command.CommandText = sql.ToString();
        return command;
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

    public override Task AnalyzeAsync(CancellationToken ct) =>
        PostgresInstance.ExecuteAsync(_server.SuperuserConnection(_name), "VACUUM ANALYZE lead_sequence_state; ANALYZE leads; ANALYZE sequences;");

    public override async ValueTask DisposeAsync() => await _server.DropDatabaseAsync(_name);
}
