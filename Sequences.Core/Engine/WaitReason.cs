namespace Sequences.Core.Engine;

/// <summary>Why a step is not due right away; shown in the UI and logged with the step.</summary>
public sealed record WaitReason(string Code, string Message)
{
    public const string DelayCode = "delay";
    public const string SendTimeCode = "send_time";
    public const string SendWindowCode = "send_window";
    public const string WeekendCode = "weekend";
    public const string HolidayCode = "holiday";

    internal static WaitReason Delay(int days, int hours)
    {
        var parts = new List<string>(2);
        if (days > 0) parts.Add(Count(days, "day"));
        if (hours > 0) parts.Add(Count(hours, "hour"));
        return new(DelayCode, $"Waits {string.Join(" and ", parts)}");
    }

    internal static WaitReason SendTime(TimeSpan localTime) =>
        new(SendTimeCode, $"Sends at {localTime:hh\\:mm} local time");

    internal static WaitReason SendWindow(ScheduleWindow window, TimeZoneInfo zone) =>
        new(SendWindowCode, $"Outside the send window {window} ({zone.Id})");

    internal static WaitReason Weekend(TimeZoneInfo zone, DayOfWeek opensOn) =>
        new(WeekendCode, $"Weekend in {zone.Id}: waits for {opensOn}");

    internal static WaitReason Holiday(string country, IReadOnlyList<string> names, DateTime opensOn) =>
        new(HolidayCode, $"Public holiday in {country} ({string.Join(", ", names)}): waits for {opensOn.DayOfWeek} {opensOn.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture)}");

    private static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
