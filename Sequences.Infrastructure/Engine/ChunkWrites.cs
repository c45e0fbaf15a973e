using System.Text;
using Sequences.Infrastructure.Persistence;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// What a chunk writes most, held until the chunk's next commit and then written in that commit's transaction with
/// one statement per kind: new message rows, execution-log and engagement-event rows (only ever appended) as
/// multi-row INSERTs, and the mail that went out as one set-based UPDATE to "sent". Nothing here needs the change tracker, which cost
/// most of the per-mail CPU and allocation when these rows went through it.
/// </summary>
internal sealed class ChunkWrites
{
    private readonly List<OutboundMessage> _messages = [];
    private readonly List<SequenceExecutionLog> _log = [];
    private readonly List<EngagementEvent> _events = [];
    private readonly List<(Guid Id, DateTime SentAt)> _sent = [];

    public bool IsEmpty => _messages.Count == 0 && _log.Count == 0 && _events.Count == 0 && _sent.Count == 0;

    /// <summary>A new message row, inserted with the values it has at the commit (untracked afterwards: a later
    /// change other than "sent" attaches it to the context first).</summary>
    public void Add(OutboundMessage row) => _messages.Add(row);

    public void Add(SequenceExecutionLog row) => _log.Add(row);

    public void Add(EngagementEvent row) => _events.Add(row);

    /// <summary>The relay took the message at <paramref name="at"/>: it becomes "sent" and gives up its lease.</summary>
    public void Sent(OutboundMessage message, DateTime at) => _sent.Add((message.Id, at));

    public void Clear()
    {
        _messages.Clear();
        _log.Clear();
        _events.Clear();
        _sent.Clear();
    }

    /// <summary>Writes everything held, on the context's current transaction (the caller commits).</summary>
    public async Task WriteAsync(SequencesDbContext db, DateTime now, CancellationToken ct)
    {
        foreach (var message in _messages)
        {
            // What the audit interceptor stamps on rows saved through the change tracker.
            if (message.TenantId == Guid.Empty) throw new InvalidOperationException("A new message has no tenant.");
            if (message.CreatedAt == default) message.CreatedAt = now;
            message.UpdatedAt = now;
        }
        await using var command = new StoreCommand(db);
        await command.InsertAsync(_messages, ct);
        await command.InsertAsync(_log, ct);
        await command.InsertAsync(_events, ct);
        foreach (var slice in _sent.Chunk(500))
        {
            await command.EnsureRoomAsync(slice.Length * 2 + 2, ct);
            AppendSent(command, slice, now);
            await command.EndStatementAsync(ct);
        }
        await command.ExecuteAsync(ct);
    }

    /// <summary>The same columns the tracked update wrote: status, sent time, no error, no lease, updated time.
    /// Each message keeps its own sent time (a CASE on the id), as when each was updated on its own.</summary>
    private static void AppendSent(StoreCommand command, (Guid Id, DateTime SentAt)[] sent, DateTime now)
    {
        var id = command.Property<OutboundMessage>(nameof(OutboundMessage.Id));
        var sentAt = command.Property<OutboundMessage>(nameof(OutboundMessage.SentAt));
        var ids = sent.Select(s => command.Parameter(id, s.Id)).ToArray();
        var sql = new StringBuilder()
            .Append("UPDATE ").Append(command.TableName<OutboundMessage>()).Append(" SET ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.Status))).Append(" = ")
            .Append(command.Parameter(command.Property<OutboundMessage>(nameof(OutboundMessage.Status)), OutboundStatus.Sent))
            .Append(", ").Append(command.Column<OutboundMessage>(nameof(OutboundMessage.SentAt))).Append(" = CASE ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.Id)));
        for (var i = 0; i < sent.Length; i++)
            sql.Append(" WHEN ").Append(ids[i]).Append(" THEN ").Append(command.Parameter(sentAt, sent[i].SentAt));
        sql.Append(" END, ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.LastError))).Append(" = NULL, ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.LeaseOwner))).Append(" = NULL, ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.LeaseUntil))).Append(" = NULL, ")
            .Append(command.Column<OutboundMessage>(nameof(OutboundMessage.UpdatedAt))).Append(" = ")
            .Append(command.Parameter(command.Property<OutboundMessage>(nameof(OutboundMessage.UpdatedAt)), now))
            .Append(" WHERE ").Append(command.Column<OutboundMessage>(nameof(OutboundMessage.Id))).Append(" IN (")
            .AppendJoin(", ", ids).Append(");\n");
        command.Append(sql.ToString());
    }
}
