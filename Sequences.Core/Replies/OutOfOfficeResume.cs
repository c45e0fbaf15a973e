using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Core.Replies;

/// <summary>When a lead who is out of office may be mailed again.</summary>
public static class OutOfOfficeResume
{
    /// <summary>The first business morning (Monday-Friday, at the send window's start) on or after the first day back,
    /// in the lead's zone. Business days apply even to a sequence that mails at weekends: nobody back "on Saturday"
    /// reads mail then.</summary>
    public static DateTime At(DateOnly firstDayBack, TimeZoneInfo zone, SendWindow? window)
    {
        var midnight = Schedule.LocalToUtc(firstDayBack.ToDateTime(TimeOnly.MinValue), zone);
        return Schedule.NextWindowOpening(midnight, zone, window ?? new SendWindow(), businessDaysOnly: true);
    }
}
