using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Core.Replies;

/// <summary>When a lead who is out of office may be mailed again.</summary>
public static class OutOfOfficeResume
{
    /// <summary>The first business morning (Monday-Friday, at the send window's start) on or after the first day back,
    /// in the lead's zone. Business days apply even to a sequence that mails at weekends: nobody back "on Saturday"
    /// reads mail then.</summary>
    /// <param name="holidays">The lead's country's calendar when the sequence skips holidays (<see cref="Schedule.HolidaysFor"/>):
    /// someone back "on 25 December" is not mailed until the first working day after the holidays either.</param>
    public static DateTime At(DateOnly firstDayBack, TimeZoneInfo zone, SendWindow? window, HolidayCalendar? holidays = null)
    {
        var midnight = Schedule.LocalToUtc(firstDayBack.ToDateTime(TimeOnly.MinValue), zone);
        return Schedule.NextWindowOpening(midnight, zone, ScheduleWindow.From(window), businessDaysOnly: true, holidays);
    }
}
