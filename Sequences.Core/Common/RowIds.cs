namespace Sequences.Core.Common;

/// <summary>
/// New primary keys, time-ordered (UUID version 7; text and uuid order follow creation time). Rows created together
/// (an import's leads, a bulk enrollment's states, a pass's messages, log and events) sit together in every index
/// keyed by them, and a queue pass takes them in roughly that order: its writes touch a few index pages per chunk
/// instead of a random page per row, on SQLite inside the single write lock.
/// </summary>
public static class RowIds
{
    public static Guid New() => Guid.CreateVersion7();
}
