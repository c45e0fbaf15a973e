using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

public static partial class Schedule
{
    // A window opening is always within a few days; the bound only guards against a zone whose
    // rules would make a window never occur.
    private const int MaxDaysToOpening = 14;

    /// <summary>Whether an email may go out at <paramref name="utc"/>: inside the window (end exclusive) and, if asked, on Monday-Friday in the zone.</summary>
    public static bool IsInWindow(DateTime utc, TimeZoneInfo zone, SendWindow window, bool businessDaysOnly) =>
        IsInWindow(utc, zone, ScheduleWindow.From(window), businessDaysOnly);

    /// <summary><paramref name="fromUtc"/> itself when inside the window, else the next instant the window opens.</summary>
    public static DateTime NextWindowOpening(DateTime fromUtc, TimeZoneInfo zone, SendWindow window, bool businessDaysOnly) =>
        NextWindowOpening(fromUtc, zone, ScheduleWindow.From(window), businessDaysOnly);

    internal static bool IsInWindow(DateTime utc, TimeZoneInfo zone, ScheduleWindow window, bool businessDaysOnly, HolidayCalendar? holidays = null)
    {
        var local = ToLocal(utc, zone);
        return IsSendDay(local.Date, businessDaysOnly, holidays) && window.Contains(local.TimeOfDay);
    }

    internal static DateTime NextWindowOpening(DateTime fromUtc, TimeZoneInfo zone, ScheduleWindow window, bool businessDaysOnly, HolidayCalendar? holidays = null)
    {
        var from = AsUtc(fromUtc);
        if (IsInWindow(from, zone, window, businessDaysOnly, holidays)) return from;

        var today = ToLocal(from, zone).Date;
        for (var day = -1; day <= MaxDaysToOpening; day++)
        {
            var date = today.AddDays(day);
            if (!IsSendDay(date, businessDaysOnly, holidays)) continue;
            // The opening may sit in a DST gap (moved forward, possibly past a tiny window's
            // end) or be ambiguous (the second occurrence may still be ahead of us).
            foreach (var opening in Occurrences(date + window.Start, zone))
                if (opening >= from && IsInWindow(opening, zone, window, businessDaysOnly, holidays))
                    return opening;
        }
        throw new InvalidOperationException($"The send window {window} never opens in {zone.Id} after {from:O}.");
    }

    /// <summary>Holidays count whether or not weekends do: a sequence may send on Saturdays yet not on Christmas Day.</summary>
    private static bool IsSendDay(DateTime localDate, bool businessDaysOnly, HolidayCalendar? holidays) =>
        (!businessDaysOnly || IsBusinessDay(localDate)) && holidays?.NameOn(localDate) is null;

    internal static bool IsBusinessDay(DateTime localDate) =>
        localDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
}
