namespace Sequences.Core.Common;

/// <summary>
/// U+0000 in text: PostgreSQL refuses it (SQLite stores it, so the same input would differ by database), no person
/// types one, and it shows nowhere. Text that comes from outside (API JSON, query strings, CSV cells) arrives
/// without it instead of failing with a database error.
/// </summary>
public static class NulText
{
    public static string? Strip(string? value) => value is not null && value.Contains('\0') ? value.Replace("\0", "") : value;
}
