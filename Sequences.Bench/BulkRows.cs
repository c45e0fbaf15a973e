using NpgsqlTypes;

namespace Sequences.Bench;

/// <summary>A column as both providers store it; <see cref="PgType"/> drives PostgreSQL's binary COPY.</summary>
public sealed record Column(string Name, NpgsqlDbType PgType);

/// <summary>Rows to bulk-insert into one table: <see cref="Fill"/> writes row i's values in column order.</summary>
public sealed record BulkRows(string Table, IReadOnlyList<Column> Columns, int Count, Action<int, object?[]> Fill);

/// <summary>Leads and their enrollments in one email sequence, shaped like the rows the app itself writes.</summary>
public static class SeedRows
{
    private static readonly Column[] LeadColumns =
    [
        new("id", NpgsqlDbType.Uuid), new("tenant_id", NpgsqlDbType.Uuid), new("email", NpgsqlDbType.Varchar),
        new("name", NpgsqlDbType.Varchar), new("first_name", NpgsqlDbType.Varchar), new("last_name", NpgsqlDbType.Varchar),
        new("company", NpgsqlDbType.Varchar), new("title", NpgsqlDbType.Varchar), new("status", NpgsqlDbType.Varchar),
        new("tags", NpgsqlDbType.Jsonb), new("custom", NpgsqlDbType.Jsonb),
        new("created_at", NpgsqlDbType.TimestampTz), new("updated_at", NpgsqlDbType.TimestampTz),
    ];

    private static readonly Column[] StateColumns =
    [
        new("id", NpgsqlDbType.Uuid), new("tenant_id", NpgsqlDbType.Uuid), new("lead_id", NpgsqlDbType.Uuid),
        new("sequence_id", NpgsqlDbType.Uuid), new("version", NpgsqlDbType.Integer), new("current_step_id", NpgsqlDbType.Uuid),
        new("current_step_order", NpgsqlDbType.Integer), new("status", NpgsqlDbType.Varchar),
        new("started_at", NpgsqlDbType.TimestampTz), new("next_action_at", NpgsqlDbType.TimestampTz),
        new("emails_sent", NpgsqlDbType.Integer), new("emails_opened", NpgsqlDbType.Integer),
        new("emails_clicked", NpgsqlDbType.Integer), new("emails_replied", NpgsqlDbType.Integer),
        new("metadata", NpgsqlDbType.Jsonb), new("created_at", NpgsqlDbType.TimestampTz), new("updated_at", NpgsqlDbType.TimestampTz),
    ];

    private static readonly string[] Companies = ["Engines Ltd", "Analytical Co", "Difference & Sons", "Loom Works", "Babbage GmbH"];

    /// <summary>Lead ids are derived from the seed batch and index, so states can point at them without a lookup.</summary>
    public static Guid LeadId(int batch, int i) => Derived(batch, i, 1);

    public static BulkRows Leads(BenchSequence sequence, int batch, int count, DateTime now) => new("leads", LeadColumns, count, (i, row) =>
    {
        row[0] = LeadId(batch, i);
        row[1] = sequence.TenantId;
        row[2] = $"lead{batch}.{i}@example{i % 97}.com";
        row[3] = $"Lead {i}";
        row[4] = "Ada";
        row[5] = $"Lovelace {i}";
        row[6] = Companies[i % Companies.Length];
        row[7] = "Head of Engines";
        row[8] = "new";
        row[9] = "[]";
        row[10] = """{"plan":"pro"}""";
        row[11] = now;
        row[12] = now;
    });

    public static BulkRows States(BenchSequence sequence, int batch, int count, DateTime now, Func<int, DateTime> nextActionAt) =>
        new("lead_sequence_state", StateColumns, count, (i, row) =>
        {
            row[0] = Derived(batch, i, 2);
            row[1] = sequence.TenantId;
            row[2] = LeadId(batch, i);
            row[3] = sequence.SequenceId;
            row[4] = 1;
            row[5] = sequence.StepId;
            row[6] = sequence.StepOrder;
            row[7] = "active";
            row[8] = now;
            row[9] = nextActionAt(i);
            row[10] = 0;
            row[11] = 0;
            row[12] = 0;
            row[13] = 0;
            row[14] = "{}";
            row[15] = now;
            row[16] = now;
        });

    // Random-looking but reproducible ids; index order is not id order, as with real Guid.NewGuid() keys.
    private static Guid Derived(int batch, int i, int kind)
    {
        Span<byte> bytes = stackalloc byte[16];
        var h = (ulong)(uint)i * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)batch << 32) ^ (ulong)kind * 0xC2B2AE3D27D4EB4FUL;
        BitConverter.TryWriteBytes(bytes, h);
        BitConverter.TryWriteBytes(bytes[8..], (uint)i);
        BitConverter.TryWriteBytes(bytes[12..], (ushort)batch);
        BitConverter.TryWriteBytes(bytes[14..], (ushort)kind);
        return new Guid(bytes);
    }
}
