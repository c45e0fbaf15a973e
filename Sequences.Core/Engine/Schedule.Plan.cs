using Sequences.Core.Common;
using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

public static partial class Schedule
{
    /// <summary>
    /// DESIGN §3: the step's wait from <paramref name="fromUtc"/>, then its send_time, then, for
    /// email steps only, the send window and business days (the window wins over send_time).
    /// </summary>
    /// <param name="holidays">The lead's country's calendar when the sequence skips holidays (see <see cref="HolidaysFor"/>), else null.</param>
    public static SchedulePlan Plan(SequenceStep step, DateTime fromUtc, TimeZoneInfo zone, SequenceSettings settings, HolidayCalendar? holidays = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(settings);
        var reasons = new List<WaitReason>();

        var due = AddWait(fromUtc, step.DelayDays, step.DelayHours, zone);
        if (step.DelayDays > 0 || step.DelayHours > 0)
            reasons.Add(WaitReason.Delay(step.DelayDays, step.DelayHours));

        // An unparseable send_time was rejected on write; if one is stored anyway it is ignored.
        if (LocalTimes.TryParse(step.SendTime, out var sendTime))
        {
            var at = NextLocalTime(due, sendTime, zone);
            if (at != due) reasons.Add(WaitReason.SendTime(sendTime));
            due = at;
        }

        if (step.StepType == StepType.Email)
        {
            var window = WindowCheck(due, zone, settings, holidays);
            reasons.AddRange(window.Reasons);
            due = window.DueAt;
        }

        return new SchedulePlan(due, reasons);
    }

    public static DateTime DueAt(SequenceStep step, DateTime fromUtc, TimeZoneInfo zone, SequenceSettings settings, HolidayCalendar? holidays = null) =>
        Plan(step, fromUtc, zone, settings, holidays).DueAt;

    /// <summary>The calendar the schedule rules use for a lead: only when the sequence asks to skip holidays and the lead has a known country.</summary>
    public static HolidayCalendar? HolidaysFor(SequenceSettings settings, string? country) =>
        settings.SkipHolidays ? HolidayCalendar.For(country) : null;

    /// <summary>
    /// The window rule alone: for an email that became due earlier but runs now (a late pass, a
    /// resumed sequence), it still goes out only inside the window.
    /// </summary>
    public static SchedulePlan WindowCheck(DateTime nowUtc, TimeZoneInfo zone, SequenceSettings settings, HolidayCalendar? holidays = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var now = AsUtc(nowUtc);
        var window = ScheduleWindow.From(settings.SendWindow);
        var opening = NextWindowOpening(now, zone, window, settings.BusinessDaysOnly, holidays);
        if (opening == now) return new SchedulePlan(now, []);

        var reasons = new List<WaitReason>(2);
        var local = ToLocal(now, zone);
        if (!window.Contains(local.TimeOfDay))
            reasons.Add(WaitReason.SendWindow(window, zone));
        var opensOn = ToLocal(opening, zone).Date;
        if (settings.BusinessDaysOnly && SpansNonBusinessDay(local.Date, opensOn))
            reasons.Add(WaitReason.Weekend(zone, opensOn.DayOfWeek));
        if (holidays is not null && HolidaysBetween(holidays, local.Date, opensOn) is { Count: > 0 } names)
            reasons.Add(WaitReason.Holiday(holidays.Country, names, opensOn));
        return new SchedulePlan(opening, reasons);
    }

    /// <summary>The holidays a wait from one local date to a later one passes through, in date order.</summary>
    private static List<string> HolidaysBetween(HolidayCalendar holidays, DateTime fromDate, DateTime untilDate)
    {
        var names = new List<string>();
        for (var date = fromDate; date < untilDate; date = date.AddDays(1))
            if (holidays.NameOn(date) is { } name) names.Add(name);
        return names;
    }

    /// <summary>Whether a wait from one local date to a later one passes through a day that is not a business day.</summary>
    private static bool SpansNonBusinessDay(DateTime fromDate, DateTime untilDate)
    {
        for (var date = fromDate; date < untilDate; date = date.AddDays(1))
            if (!IsBusinessDay(date)) return true;
        return false;
    }
}
