using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Sequences.Core.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>An enrollment whose lease another pass holds now: its update is dropped (<see cref="StateWrites"/>).</summary>
internal sealed class LeaseLostException(LeadSequenceState state) : Exception("The enrollment's lease is held by another pass.")
{
    public LeadSequenceState State { get; } = state;
}

/// <summary>
/// The chunk's enrollment updates go out as single-row UPDATEs of just the changed columns, fenced on the lease they
/// were claimed with, instead of through EF's update pipeline, which built and ran a command per row with its whole
/// per-row machinery. On SQLite every commit runs inside the host's write lock (<see cref="WriteGate"/>), where that
/// cost kept the other workers waiting (the lock was held ~95% of a pass); there the statement is prepared once and
/// re-bound. On PostgreSQL the updates go as one batch with a row count per statement, as EF sent them, without EF's
/// CPU per row. The enrollments leave the change tracker for the commit (detached: marking them unchanged would
/// revert their values) and come back after it, unchanged if it committed, modified again if not.
/// </summary>
internal sealed class StateWrites
{
    // The UPDATE for each set of changed columns, spelled once per model.
    private static readonly ConditionalWeakTable<IModel, Dictionary<string, string>> Statements = new();

    private readonly SequencesDbContext? _db;
    private readonly List<Pending> _pending = [];

    private StateWrites(SequencesDbContext? db) => _db = db;

    public bool IsEmpty => _pending.Count == 0;

    /// <summary>Takes the modified enrollments out of EF's save, stamped as the audit interceptor would. Changes must
    /// have been detected.</summary>
    public static StateWrites Take(SequencesDbContext db, DateTime now)
    {
        var writes = new StateWrites(db);
        foreach (var entry in db.ChangeTracker.Entries<LeadSequenceState>().ToList())
        {
            if (entry.State != EntityState.Modified) continue;
            entry.Entity.UpdatedAt = now;
            var changed = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).ToList();
            if (!changed.Exists(p => p.Name == nameof(LeadSequenceState.UpdatedAt))) changed.Add(entry.Property(s => s.UpdatedAt).Metadata);
            writes._pending.Add(new Pending(entry.Entity, changed, entry.OriginalValues.GetValue<string?>(nameof(LeadSequenceState.LeaseOwner))));
            entry.State = EntityState.Detached;
        }
        return writes;
    }

    /// <summary>Writes each update; throws <see cref="LeaseLostException"/> for the first whose lease is gone.</summary>
    public async Task WriteAsync(SequencesDbContext db, CancellationToken ct)
    {
        if (IsEmpty) return;
        await using var command = new StoreCommand(db);
        var id = command.Property<LeadSequenceState>(nameof(LeadSequenceState.Id));
        var owner = command.Property<LeadSequenceState>(nameof(LeadSequenceState.LeaseOwner));
        var statements = Statements.GetValue(db.Model, _ => new Dictionary<string, string>());
        var rows = new List<(string, IReadOnlyList<(IProperty, object?)>)>(_pending.Count);
        foreach (var pending in _pending)
        {
            var key = string.Join(",", pending.Changed.Select(p => p.Name)) + (pending.Owner is null ? "|free" : "|held");
            string? sql;
            lock (statements)
                if (!statements.TryGetValue(key, out sql)) statements[key] = sql = Sql(command, pending.Changed, pending.Owner);
            var values = new List<(IProperty, object?)>(pending.Changed.Count + 2);
            foreach (var property in pending.Changed) values.Add((property, property.GetGetter().GetClrValueUsingContainingEntity(pending.State)));
            values.Add((id, pending.State.Id));
            if (pending.Owner is not null) values.Add((owner, pending.Owner));
            rows.Add((sql, values));
        }
        var affected = await command.ExecuteRowsAsync(rows, ct);
        for (var i = 0; i < affected.Length; i++)
            if (affected[i] != 1) throw new LeaseLostException(_pending[i].State);
    }

    /// <summary>After the commit: the enrollments are tracked again, their written values now their original ones.</summary>
    public void Accept()
    {
        foreach (var pending in _pending) _db!.Attach(pending.State);
        _pending.Clear();
    }

    /// <summary>After a rollback: the enrollments are tracked again as modified, with the lease they were claimed with,
    /// so a retry writes (and fences) them as before; <paramref name="lost"/> stays out.</summary>
    public void Restore(LeadSequenceState? lost = null)
    {
        foreach (var pending in _pending)
        {
            if (ReferenceEquals(pending.State, lost)) continue;
            var entry = _db!.Attach(pending.State);
            entry.OriginalValues[nameof(LeadSequenceState.LeaseOwner)] = pending.Owner;
            foreach (var property in pending.Changed) entry.Property(property.Name).IsModified = true;
        }
        _pending.Clear();
    }

    /// <summary>Placeholders in the order <see cref="WriteAsync"/> binds: changed columns, id, then the lease.</summary>
    private static string Sql(StoreCommand command, List<IProperty> changed, string? owner)
    {
        var sets = changed.Select((p, i) => $"{command.Column<LeadSequenceState>(p.Name)} = {command.Placeholder(i)}");
        var leaseColumn = command.Column<LeadSequenceState>(nameof(LeadSequenceState.LeaseOwner));
        var fence = owner is null ? $"{leaseColumn} IS NULL" : $"{leaseColumn} = {command.Placeholder(changed.Count + 1)}";
        return $"UPDATE {command.TableName<LeadSequenceState>()} SET {string.Join(", ", sets)} " +
               $"WHERE {command.Column<LeadSequenceState>(nameof(LeadSequenceState.Id))} = {command.Placeholder(changed.Count)} AND {fence}";
    }

    private sealed record Pending(LeadSequenceState State, List<IProperty> Changed, string? Owner);
}
