namespace Sequences.Core.Engine;

/// <summary>
/// Wall-clock arithmetic in the lead's zone (DESIGN §3 "Time"). Instants are UTC; local wall
/// times are <see cref="DateTimeKind.Unspecified"/> so the framework never applies the host's zone.
/// </summary>
public static partial class Schedule
{
    /// <summary>
    /// The instant of a local wall time: a time in a DST gap moves forward by the gap's length,
    /// an ambiguous time takes the earlier instant.
    /// </summary>
    public static DateTime LocalToUtc(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);

        if (zone.IsAmbiguousTime(local))
            return AsUtc(local - zone.GetAmbiguousTimeOffsets(local).Max());

        if (zone.IsInvalidTime(local))
            // Reading the wall time with the offset in force before the jump lands exactly
            // "gap length" later on the new clock (02:30 EST is 03:30 EDT).
            return AsUtc(local - OffsetBeforeGap(local, zone));

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>
    /// <paramref name="delayDays"/> calendar days in the zone (same wall time N days later), then
    /// <paramref name="delayHours"/> absolute hours.
    /// </summary>
    public static DateTime AddWait(DateTime fromUtc, int delayDays, int delayHours, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayDays);
        ArgumentOutOfRangeException.ThrowIfNegative(delayHours);
        var at = AsUtc(fromUtc);
        // No round trip through the wall clock for zero days: the second 01:30 of a fall-back
        // night would come back as the first one, i.e. an hour in the past.
        if (delayDays > 0)
            at = LocalToUtc(ToLocal(at, zone).AddDays(delayDays), zone);
        return at.AddHours(delayHours);
    }

    /// <summary>The first instant at or after <paramref name="fromUtc"/> whose local time is <paramref name="localTime"/>.</summary>
    public static DateTime NextLocalTime(DateTime fromUtc, TimeSpan localTime, TimeZoneInfo zone)
    {
        if (localTime < TimeSpan.Zero || localTime >= TimeSpan.FromDays(1))
            throw new ArgumentOutOfRangeException(nameof(localTime), localTime, "A local time of day is 00:00 to 23:59.");
        var from = AsUtc(fromUtc);
        var today = ToLocal(from, zone).Date;
        // From the day before: where the clock falls back across midnight, yesterday's
        // evening can come again after "today" has begun.
        for (var day = -1; day <= 2; day++)
            foreach (var candidate in Occurrences(today.AddDays(day) + localTime, zone))
                if (candidate >= from) return candidate;
        throw new InvalidOperationException($"No {localTime:hh\\:mm} found in {zone.Id} after {from:O}.");
    }

    /// <summary>Every instant a wall time denotes, earliest first: two on a fall-back night, else one (a gap time moved forward).</summary>
    private static IEnumerable<DateTime> Occurrences(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (!zone.IsAmbiguousTime(local))
        {
            yield return LocalToUtc(local, zone);
            yield break;
        }
        foreach (var offset in zone.GetAmbiguousTimeOffsets(local).OrderByDescending(o => o))
            yield return AsUtc(local - offset);
    }

    private static TimeSpan OffsetBeforeGap(DateTime local, TimeZoneInfo zone)
    {
        // Read the wall time with any offset and the instant falls just before or just after the
        // jump; reading it again with that instant's offset lands on the other side. Clocks jump
        // forward across a gap, so the smaller of the two offsets is the one before it.
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Utc);
        var first = zone.GetUtcOffset(wall - zone.BaseUtcOffset);
        var second = zone.GetUtcOffset(wall - first);
        return first < second ? first : second;
    }

    internal static DateTime ToLocal(DateTime utc, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(AsUtc(utc), zone), DateTimeKind.Unspecified);

    /// <summary>
    /// Callers hold UTC; an Unspecified value (as some stores return it) is taken as UTC rather
    /// than as the host's local time.
    /// </summary>
    internal static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
