using System.Globalization;
using Sequences.Core.Common;

namespace Sequences.Tests.Core.Engine;

/// <summary>Readable fixed instants for the table-driven schedule tests.</summary>
internal static class Times
{
    private const string Format = "yyyy-MM-dd'T'HH:mm";

    /// <summary>"2026-03-08T07:30" as a UTC instant.</summary>
    public static DateTime Utc(string value) =>
        DateTime.ParseExact(value, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>"2026-03-08T02:30" as a wall time with no zone attached.</summary>
    public static DateTime Local(string value) =>
        DateTime.ParseExact(value, Format, CultureInfo.InvariantCulture, DateTimeStyles.None);

    public static TimeZoneInfo Zone(string id) =>
        TimeZones.TryFind(id, out var zone) ? zone : throw new InvalidOperationException($"No time zone {id} on this machine.");

    public static TimeSpan TimeOfDay(string hhmm) => TimeSpan.ParseExact(hhmm, "hh\\:mm", CultureInfo.InvariantCulture);
}
