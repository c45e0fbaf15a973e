using Sequences.Core.Replies;
using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

/// <summary>
/// A person's "not before this day" for one enrollment: the out-of-office rule (the first business morning on or
/// after the day, in the lead's zone), chosen by hand. The enrollment stays as it is and only its next action moves,
/// never earlier, so the queue pass needs nothing new to honour it (ADR 5).
/// </summary>
public static class Snooze
{
    public const string LogAction = "snoozed_until";

    public const int MaxDaysAhead = 366;

    /// <summary>When the enrollment may act again, or why <paramref name="day"/> cannot be used: it must lie after
    /// today in the lead's zone and within a year.</summary>
    public static SnoozeResult Until(DateOnly day, DateTime nowUtc, TimeZoneInfo zone, SequenceSettings settings, string? country)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone));
        if (day <= today)
            return new SnoozeResult(null, $"Pick a day after today ({today:yyyy-MM-dd} in the lead's time zone, {zone.Id}).");
        if (day > today.AddDays(MaxDaysAhead))
            return new SnoozeResult(null, $"Pick a day within a year, at the latest {today.AddDays(MaxDaysAhead):yyyy-MM-dd}.");
        return new SnoozeResult(OutOfOfficeResume.At(day, zone, settings.SendWindow, Schedule.HolidaysFor(settings, country)), null);
    }
}

/// <param name="ResumeAt">UTC; null when <paramref name="Problem"/> says why the day was refused.</param>
public sealed record SnoozeResult(DateTime? ResumeAt, string? Problem);
