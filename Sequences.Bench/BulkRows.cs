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

    private static readonly Column[] MessageColumns =
    [
        new("id", NpgsqlDbType.Uuid), new("tenant_id", NpgsqlDbType.Uuid), new("idempotency_key", NpgsqlDbType.Varchar),
        new("message_id", NpgsqlDbType.Varchar), new("state_id", NpgsqlDbType.Uuid), new("lead_id", NpgsqlDbType.Uuid),
        new("sequence_id", NpgsqlDbType.Uuid), new("step_id", NpgsqlDbType.Uuid), new("to_address", NpgsqlDbType.Varchar),
        new("from_address", NpgsqlDbType.Varchar), new("subject", NpgsqlDbType.Varchar), new("status", NpgsqlDbType.Varchar),
        new("attempts", NpgsqlDbType.Integer), new("sent_at", NpgsqlDbType.TimestampTz), new("links", NpgsqlDbType.Jsonb),
        new("created_at", NpgsqlDbType.TimestampTz), new("updated_at", NpgsqlDbType.TimestampTz),
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

    /// <summary>A sent earlier email per enrollment (an earlier step), so queries over outbound_messages meet a
    /// table as large as a deployment that has been sending for a while.</summary>
    public static BulkRows SentMessages(BenchSequence sequence, int batch, int count, DateTime sentAt) =>
        new("outbound_messages", MessageColumns, count, (i, row) =>
        {
            var state = Derived(batch, i, 2);
            var key = $"{state:N}:{sequence.EarlierStepId:N}";
            row[0] = Derived(batch, i, 3);
            row[1] = sequence.TenantId;
            row[2] = key;
            row[3] = $"<{key.Replace(':', '.')}@sequences.test>";
            row[4] = state;
            row[5] = LeadId(batch, i);
            row[6] = sequence.SequenceId;
            row[7] = sequence.EarlierStepId;
            row[8] = $"lead{batch}.{i}@example{i % 97}.com";
            row[9] = "charles@sequences.test";
            row[10] = "An earlier email";
            row[11] = "sent";
            row[12] = 1;
            row[13] = sentAt;
            row[14] = "[]";
            row[15] = sentAt;
            row[16] = sentAt;
        });

    // Ids ascend in both text (SQLite) and uuid (PostgreSQL) order, as the app's own time-ordered ids (RowIds) do for
    // leads imported and enrolled together: a bulk load appends to the key indexes instead of touching a random page
    // per row, and the pass meets its leads in that order.
    private static Guid Derived(int batch, int i, int kind) =>
        Guid.Parse($"{batch:X8}-{kind:X4}-4000-8000-{i:X12}");
}
