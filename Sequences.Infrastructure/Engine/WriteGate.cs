using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// Queues a pass's SQLite writes in the process. SQLite takes one writer at a time, and Microsoft.Data.Sqlite
/// answers a locked database by sleeping and retrying, so workers that write at once would spend their time
/// asleep; waiting here hands the write lock over as soon as it is free. PostgreSQL locks rows: no gate there.
/// </summary>
internal sealed class WriteGate
{
    private readonly SemaphoreSlim _sqlite = new(1, 1);

    public async Task<T> RunAsync<T>(SequencesDbContext db, Func<Task<T>> write, CancellationToken ct)
    {
        if (!db.IsSqlite) return await write();
        await _sqlite.WaitAsync(ct);
        try
        {
            return await write();
        }
        finally
        {
            _sqlite.Release();
        }
    }

    public Task RunAsync(SequencesDbContext db, Func<Task> write, CancellationToken ct) =>
        RunAsync(db, async () =>
        {
            await write();
            return true;
        }, ct);
}
