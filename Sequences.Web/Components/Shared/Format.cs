using System.Globalization;
using Sequences.Core.Common;

namespace Sequences.Web.Components.Shared;

/// <summary>How dashboards write times and numbers: invariant, 24-hour, and always saying which zone.</summary>
public static class Format
{
    public static string Utc(DateTime? utc) =>
        utc is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string UtcSeconds(DateTime? utc) =>
        utc is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    /// <summary>The instant in an IANA zone, e.g. "Tue 2030-01-08 09:00 (Europe/London)".</summary>
    public static string Local(DateTime? utc, string? zoneId)
    {
        if (utc is not { } t) return "—";
        var zone = TimeZones.Resolve(zoneId);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), zone);
        return $"{local.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({zone.Id})";
    }

    public static string Date(DateTime? utc) => utc is { } t ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    public static string Percent(double rate) => rate.ToString("0.#%", CultureInfo.InvariantCulture);

    /// <summary>"replied", "send_failed" → "replied", "send failed".</summary>
    public static string Words(string? snake) => string.IsNullOrEmpty(snake) ? "" : snake.Replace('_', ' ');

    public static string Snake<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
