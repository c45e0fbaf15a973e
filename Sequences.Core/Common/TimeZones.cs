namespace Sequences.Core.Common;

/// <summary>The one place that turns zone names into <see cref="TimeZoneInfo"/>; only IANA names are accepted.</summary>
public static class TimeZones
{
    public static bool IsIana(string? id) => TryFind(id, out _);

    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        // Windows names ("Eastern Standard Time") resolve on Linux too, but the contract is IANA.
        if (id != "UTC" && TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _)) return false;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The lead's zone: the lead's own, else the sequence's, else the tenant's, else UTC.</summary>
    public static TimeZoneInfo Resolve(params string?[] candidates)
    {
        foreach (var id in candidates)
            if (TryFind(id, out var zone)) return zone;
        return TimeZoneInfo.Utc;
    }
}
