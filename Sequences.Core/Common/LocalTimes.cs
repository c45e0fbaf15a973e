using System.Globalization;

namespace Sequences.Core.Common;

/// <summary>"HH:mm" local times as used by send_time and the send window.</summary>
public static class LocalTimes
{
    public static bool TryParse(string? value, out TimeSpan time, bool allowEndOfDay = false)
    {
        time = default;
        if (value is null || value.Length != 5 || value[2] != ':') return false;
        if (allowEndOfDay && value == "24:00")
        {
            time = TimeSpan.FromHours(24);
            return true;
        }
        if (!TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return false;
        time = t.ToTimeSpan();
        return true;
    }
}
