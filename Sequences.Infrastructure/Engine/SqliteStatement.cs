using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// One SQLite statement prepared on the connection and run row after row, its values bound by position straight
/// through SQLitePCL. Microsoft.Data.Sqlite finds every parameter by name (spelling the name in UTF-8 anew) and builds
/// a binder object per value and a data reader per run; for the ~5 rows each mail writes, that was the largest part
/// of the engine's SQLite allocation, all of it inside the write gate. Values are bound the way Microsoft.Data.Sqlite
/// binds them (GUIDs as upper-case text, times as <see cref="TimeFormat"/>), so the rows read back and compare alike.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private const string TimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;
    private readonly IReadOnlyList<RelationalTypeMapping> _mappings;

    /// <param name="names">The parameter names, in the order <see cref="Bind"/> is given their indexes.</param>
    /// <param name="mappings">How EF stores each parameter's values, in the same order.</param>
    /// <exception cref="NotSupportedException">A mapping whose values this cannot bind as Microsoft.Data.Sqlite would.</exception>
    public SqliteStatement(SqliteConnection connection, string sql, IReadOnlyList<string> names, IReadOnlyList<RelationalTypeMapping> mappings)
    {
        foreach (var mapping in mappings)
            if (!CanBind(mapping))
                throw new NotSupportedException($"The engine's SQLite writes cannot bind {mapping.ClrType.Name} stored as {mapping.StoreType}; add it to {nameof(SqliteStatement)}.");
        _mappings = mappings;
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        // Microsoft.Data.Sqlite retries a busy database; this does not need to: it runs only inside a transaction,
        // which Microsoft.Data.Sqlite begins IMMEDIATE, so the write lock is already held.
        if (raw.sqlite3_get_autocommit(_db) != 0) throw new InvalidOperationException("SqliteStatement runs only inside a transaction.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        _positions = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            _positions[i] = raw.sqlite3_bind_parameter_index(_statement, names[i]);
            if (_positions[i] == 0) throw new ArgumentException($"The statement has no parameter {names[i]}: {sql}", nameof(names));
        }
    }

    /// <summary>Whether values of <paramref name="mapping"/> (as its converter leaves them) can be bound here.</summary>
    private static bool CanBind(RelationalTypeMapping mapping)
    {
        var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        var text = string.Equals(mapping.StoreType, "TEXT", StringComparison.OrdinalIgnoreCase);
        return type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(bool)
               || type == typeof(double) || type == typeof(byte[]) || ((type == typeof(Guid) || type == typeof(DateTime)) && text);
    }

    /// <summary>Binds the <paramref name="index"/>th parameter to <paramref name="value"/>, converted as EF stores it.</summary>
    public void Bind(int index, object? value)
    {
        var position = _positions[index];
        if (value is not null && _mappings[index].Converter is { } converter) value = converter.ConvertToProvider(value);
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(_statement, position),
            string s => BindText(position, s),
            Guid g => BindGuid(position, g),
            DateTime d => BindTime(position, d),
            int n => raw.sqlite3_bind_int64(_statement, position, n),
            long n => raw.sqlite3_bind_int64(_statement, position, n),
            bool b => raw.sqlite3_bind_int64(_statement, position, b ? 1 : 0),
            double x => raw.sqlite3_bind_double(_statement, position, x),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, position, bytes),
            _ => throw new NotSupportedException($"No SQLite binding for {value.GetType().Name}."),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Runs the statement with the values bound and returns how many rows it changed.</summary>
    public int Run()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private int BindText(int position, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        // An empty span pins to a null pointer, which SQLite binds as NULL; the string overload binds "".
        if (value.Length == 0 || length > 1024) return raw.sqlite3_bind_text(_statement, position, value);
        Span<byte> utf8 = stackalloc byte[length];
        return raw.sqlite3_bind_text(_statement, position, utf8[..Encoding.UTF8.GetBytes(value, utf8)]);
    }

    private int BindGuid(int position, Guid value)
    {
        Span<byte> utf8 = stackalloc byte[36];
        value.TryFormat(utf8, out _, "D");
        for (var i = 0; i < utf8.Length; i++)
            if (utf8[i] is >= (byte)'a' and <= (byte)'f') utf8[i] -= 'a' - 'A';
        return raw.sqlite3_bind_text(_statement, position, utf8);
    }

    private int BindTime(int position, DateTime value)
    {
        Span<byte> utf8 = stackalloc byte[32];
        value.TryFormat(utf8, out var written, TimeFormat, CultureInfo.InvariantCulture);
        return raw.sqlite3_bind_text(_statement, position, utf8[..written]);
    }
}
