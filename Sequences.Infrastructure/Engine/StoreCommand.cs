using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// One parameterised, possibly multi-statement command on the context's connection and transaction, spelled from
/// the EF model: table and column names, value converters (enum words, UTC times, JSON) and provider parameter
/// types are EF's own, so rows written here read back exactly like rows EF wrote. It skips what makes EF's update
/// pipeline cost per row (entries, snapshots, change detection, one modification command per row).
/// On PostgreSQL everything appended goes in one round trip. SQLite runs in the process, so round trips cost nothing
/// there, but it finds each named parameter by a linear search through the statement's (and Microsoft.Data.Sqlite
/// looks up every parameter of a command for each statement in it): there each statement runs on its own, and rows
/// are inserted one by one through one prepared single-row statement, bound by position (<see cref="SqliteStatement"/>).
/// </summary>
internal sealed class StoreCommand : IAsyncDisposable
{
    // Well below SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
    private const int MaxParameters = 8_000;

    private static readonly ConditionalWeakTable<IModel, Dictionary<Type, Table>> Tables = new();
    private static readonly ConditionalWeakTable<ISqlGenerationHelper, ParameterNames> Names = new();

    private readonly SequencesDbContext _db;
    private readonly ISqlGenerationHelper _sql;
    private readonly ParameterNames _names;
    private readonly StringBuilder _text = new();
    private readonly bool _oneByOne;
    private DbCommand _command;
    // SQLite: the last single-row statement run (ExecuteRowAsync), re-bound while the next row has the same text.
    private SqliteStatement? _row;
    private string? _rowSql;

    public StoreCommand(SequencesDbContext db)
    {
        _db = db;
        _sql = db.GetService<ISqlGenerationHelper>();
        _names = Names.GetValue(_sql, sql => new ParameterNames(sql));
        _command = NewCommand();
        _oneByOne = db.IsSqlite;
    }

    /// <summary>Inserts <paramref name="rows"/> (all mapped columns, values as EF converts them): one multi-row INSERT,
    /// or on SQLite one prepared single-row INSERT run per row.</summary>
    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var table = TableOf(typeof(T));
        if (_oneByOne)
        {
            await ExecuteAsync(ct);
            using var insert = new SqliteStatement(SqliteConnection, table.InsertRow, NamesOf(table.Columns.Length), table.Mappings);
            foreach (var row in rows)
            {
                for (var c = 0; c < table.Columns.Length; c++) insert.Bind(c, table.Columns[c].Getter.GetClrValueUsingContainingEntity(row));
                insert.Run();
            }
            return;
        }
        foreach (var slice in rows.Chunk(Math.Max(1, MaxParameters / table.Columns.Length)))
        {
            await EnsureRoomAsync(slice.Length * table.Columns.Length, ct);
            _text.Append("INSERT INTO ").Append(table.Name).Append(" (").AppendJoin(", ", table.Columns.Select(c => c.Name)).Append(") VALUES ");
            for (var r = 0; r < slice.Length; r++)
            {
                _text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < table.Columns.Length; c++)
                {
                    if (c > 0) _text.Append(", ");
                    var column = table.Columns[c];
                    _text.Append(Parameter(column.Property, column.Getter.GetClrValueUsingContainingEntity(slice[r]!)));
                }
                _text.Append(')');
            }
            _text.Append(";\n");
        }
    }

    /// <summary>SQLite: runs one statement at once with these values and returns the rows it changed. Run again with
    /// the same text, it re-binds the statement prepared the first time.</summary>
    private async Task<int> ExecuteRowAsync(string sql, IReadOnlyList<(IProperty Property, object? Value)> values, CancellationToken ct)
    {
        await ExecuteAsync(ct);
        if (_rowSql != sql)
        {
            _row?.Dispose();
            _row = new SqliteStatement(SqliteConnection, sql, NamesOf(values.Count), values.Select(v => v.Property.GetRelationalTypeMapping()).ToArray());
            _rowSql = sql;
        }
        for (var i = 0; i < values.Count; i++) _row!.Bind(i, values[i].Value);
        return _row!.Run();
    }

    /// <summary>Runs single-row statements and returns how many rows each changed: on PostgreSQL as one batch (one
    /// round trip, a count per statement), on SQLite one by one, re-binding the statement prepared for the last.</summary>
    public async Task<int[]> ExecuteRowsAsync(IReadOnlyList<(string Sql, IReadOnlyList<(IProperty Property, object? Value)> Values)> rows, CancellationToken ct)
    {
        var affected = new int[rows.Count];
        if (_oneByOne)
        {
            for (var r = 0; r < rows.Count; r++) affected[r] = await ExecuteRowAsync(rows[r].Sql, rows[r].Values, ct);
            return affected;
        }
        await ExecuteAsync(ct);
        await using var batch = _db.Database.GetDbConnection().CreateBatch();
        batch.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (sql, values) in rows)
        {
            var statement = batch.CreateBatchCommand();
            statement.CommandText = sql;
            // EF's mappings create (and type) a parameter on a command without adding it there.
            for (var i = 0; i < values.Count; i++)
                statement.Parameters.Add(values[i].Property.GetRelationalTypeMapping().CreateParameter(_command, _names.Names[i], values[i].Value, values[i].Property.IsNullable));
            batch.BatchCommands.Add(statement);
        }
        await batch.ExecuteNonQueryAsync(ct);
        for (var r = 0; r < rows.Count; r++) affected[r] = batch.BatchCommands[r].RecordsAffected;
        return affected;
    }

    /// <summary>Ends a statement appended with <see cref="Append"/>: on SQLite it runs now, on PostgreSQL with the rest.</summary>
    public async Task EndStatementAsync(CancellationToken ct)
    {
        if (_oneByOne) await ExecuteAsync(ct);
    }

    /// <summary>Runs what was appended so far if <paramref name="parameters"/> more would not fit in one command.</summary>
    public async Task EnsureRoomAsync(int parameters, CancellationToken ct)
    {
        if (parameters > MaxParameters) throw new ArgumentOutOfRangeException(nameof(parameters), parameters, "Too many parameters for one statement.");
        if (_command.Parameters.Count + parameters > MaxParameters) await ExecuteAsync(ct);
    }

    /// <summary>Appends raw SQL (built with <see cref="Column{T}"/>, <see cref="TableName{T}"/> and <see cref="Parameter"/>).</summary>
    public StoreCommand Append(string sql)
    {
        _text.Append(sql);
        return this;
    }

    public string TableName<T>() => TableOf(typeof(T)).Name;

    public string Column<T>(string property) => _sql.DelimitIdentifier(Property<T>(property).GetColumnName());

    public IProperty Property<T>(string property) =>
        _db.Model.FindEntityType(typeof(T))!.FindProperty(property) ?? throw new ArgumentException($"{typeof(T).Name} has no property {property}.", nameof(property));

    /// <summary>The placeholder of the parameter at <paramref name="index"/> (p0, p1, ... in the provider's spelling).</summary>
    public string Placeholder(int index) => _names.Placeholders[index];

    /// <summary>Adds a parameter converted and typed as EF stores <paramref name="property"/>; returns its placeholder.</summary>
    public string Parameter(IProperty property, object? value)
    {
        var index = _command.Parameters.Count;
        _command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(_command, _names.Names[index], value, property.IsNullable));
        return _names.Placeholders[index];
    }

    /// <summary>Runs what was appended (if anything) and starts afresh.</summary>
    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (_text.Length == 0) return;
        _command.CommandText = _text.ToString();
        await _command.ExecuteNonQueryAsync(ct);
        await _command.DisposeAsync();
        _text.Clear();
        _command = NewCommand();
    }

    public ValueTask DisposeAsync()
    {
        _row?.Dispose();
        return _command.DisposeAsync();
    }

    private SqliteConnection SqliteConnection => (SqliteConnection)_db.Database.GetDbConnection();

    private ArraySegment<string> NamesOf(int count) => new(_names.Names, 0, count);

    private DbCommand NewCommand()
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private Table TableOf(Type type)
    {
        var tables = Tables.GetOrCreateValue(_db.Model);
        lock (tables)
        {
            if (tables.TryGetValue(type, out var table)) return table;
            var entity = _db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var columns = entity.GetProperties()
                .Select(p => new MappedColumn(_sql.DelimitIdentifier(p.GetColumnName(store)!), p, p.GetGetter(), p.GetRelationalTypeMapping()))
                .ToArray();
            var name = _sql.DelimitIdentifier(store.Name, store.Schema);
            var insertRow = $"INSERT INTO {name} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => _names.Placeholders[i]))})";
            table = new Table(name, columns, insertRow);
            tables[type] = table;
            return table;
        }
    }

    /// <summary>The provider's spelling of p0, p1, ...: made once rather than twice per value written.</summary>
    private sealed class ParameterNames(ISqlGenerationHelper sql)
    {
        public string[] Names { get; } = Enumerable.Range(0, MaxParameters).Select(i => sql.GenerateParameterName("p" + i)).ToArray();
        public string[] Placeholders { get; } = Enumerable.Range(0, MaxParameters).Select(i => sql.GenerateParameterNamePlaceholder("p" + i)).ToArray();
    }

    private sealed record Table(string Name, MappedColumn[] Columns, string InsertRow)
    {
        public RelationalTypeMapping[] Mappings { get; } = Columns.Select(c => c.Mapping).ToArray();
    }

    private sealed record MappedColumn(string Name, IProperty Property, IClrPropertyGetter Getter, RelationalTypeMapping Mapping);
}
