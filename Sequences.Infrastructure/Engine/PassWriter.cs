using Microsoft.EntityFrameworkCore;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// The pass's own connection for the engine's bulk SQLite writes: claims and the chunks' held rows (which need
/// nothing of a worker's context but its model). In WAL mode a SQLite connection drops its whole page cache whenever
/// another connection has written since its last transaction, so with each worker writing through its own
/// connection every commit began by reading its index pages again (~40 KB per mail). Through one connection the
/// pages stay cached: only it writes. It writes in the host's write gate, one turn at a time, as before.
/// PostgreSQL has no such cache or lock: there each write runs on the caller's context.
/// </summary>
internal sealed class PassWriter(WriteGate gate, Func<CancellationToken, Task<SequencesDbContext>> open) : IAsyncDisposable
{
    // SQLite's default checkpoints the WAL into the database once it holds 1,000 pages (4 MB), a few hundred mails at
    // this pass's rate, each time inside the write lock; a larger WAL copies each hot index page back less often.
    private const string LargerWal = "PRAGMA wal_autocheckpoint = 10000";
    private const string DefaultWal = "PRAGMA wal_autocheckpoint = 1000";

    private SequencesDbContext? _writer;

    /// <summary>Runs <paramref name="write"/> with the context to write through: the pass's writer on SQLite (inside
    /// the write gate), <paramref name="db"/> itself on PostgreSQL.</summary>
    public async Task<T> RunAsync<T>(SequencesDbContext db, Func<SequencesDbContext, Task<T>> write, CancellationToken ct)
    {
        if (!db.IsSqlite) return await write(db);
        return await gate.RunAsync(db, async () => await write(_writer ??= await OpenAsync(ct)), ct);
    }

    public Task RunAsync(SequencesDbContext db, Func<SequencesDbContext, Task> write, CancellationToken ct) =>
        RunAsync(db, async writer =>
        {
            await write(writer);
            return true;
        }, ct);

    /// <summary>Runs <paramref name="write"/> on the caller's own context, alone in the write gate: EF's tracked
    /// changes can only be saved through the context that tracks them.</summary>
    public Task<T> RunOnOwnAsync<T>(SequencesDbContext db, Func<Task<T>> write, CancellationToken ct) => gate.RunAsync(db, write, ct);

    public Task RunOnOwnAsync(SequencesDbContext db, Func<Task> write, CancellationToken ct) => gate.RunAsync(db, write, ct);

    private async Task<SequencesDbContext> OpenAsync(CancellationToken ct)
    {
        var writer = await open(ct);
        try
        {
            await writer.Database.OpenConnectionAsync(ct);
            await writer.Database.ExecuteSqlRawAsync(LargerWal, ct);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is null) return;
        try
        {
            // The connection goes back to the pool, and the pragma would go with it to whoever opens it next.
            await _writer.Database.ExecuteSqlRawAsync(DefaultWal);
        }
        catch (System.Data.Common.DbException)
        {
            // A broken connection: it only meant checkpoints less often for its next user, and disposing must not hide
            // why the pass failed.
        }
        finally
        {
            await _writer.DisposeAsync();
        }
    }
}
