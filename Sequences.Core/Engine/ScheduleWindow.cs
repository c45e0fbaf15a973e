using Sequences.Core.Common;
using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

/// <summary>A parsed send window: local times of day, end exclusive, an end of 24:00 meaning midnight.</summary>
internal readonly record struct ScheduleWindow(TimeSpan Start, TimeSpan End)
{
    public static readonly ScheduleWindow Default = new(TimeSpan.FromHours(9), TimeSpan.FromHours(17));

    /// <summary>
    /// Settings are validated on write; a stored window that still does not parse falls back to
    /// the documented default instead of failing every pass for the lead.
    /// </summary>
    public static ScheduleWindow From(SendWindow? window)
    {
        if (window is null) return Default;
        if (!LocalTimes.TryParse(window.Start, out var start)) return Default;
        if (!LocalTimes.TryParse(window.End, out var end, allowEndOfDay: true)) return Default;
        return end > start ? new ScheduleWindow(start, end) : Default;
    }

    public bool Contains(TimeSpan timeOfDay) => timeOfDay >= Start && timeOfDay < End;

    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    // "hh" would print 24:00 as 00:00.
    private static string Format(TimeSpan time) => $"{(int)time.TotalHours:00}:{time.Minutes:00}";
}
