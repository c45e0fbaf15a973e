using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Tests.Core.Engine;

/// <summary>"Snooze until" in the lead's zone: the first business morning on or after the day, never today or before.</summary>
public sealed class SnoozeTests
{
    private static readonly SequenceSettings NineToFive = new() { SendWindow = new SendWindow("09:00", "17:00") };

    [Theory]
    // Tuesday 15 December 2026 in New York: 09:00 EST is 14:00 UTC.
    [InlineData("2026-12-10T20:00", "America/New_York", "2026-12-15", "2026-12-15T14:00")]
    // A Saturday rolls on to Monday morning.
    [InlineData("2026-12-10T20:00", "America/New_York", "2026-12-19", "2026-12-21T14:00")]
    // Across the spring change in Berlin: 09:00 CEST is 07:00 UTC.
    [InlineData("2026-03-20T10:00", "Europe/Berlin", "2026-03-30", "2026-03-30T07:00")]
    // Late on the 10th in UTC is already the 11th in Tokyo, so the 12th is still ahead: 09:00 JST is 00:00 UTC.
    [InlineData("2026-12-10T20:00", "Asia/Tokyo", "2026-12-14", "2026-12-14T00:00")]
    public void Resumes_on_the_first_business_morning_from_the_day_in_the_lead_s_zone(string now, string zone, string day, string expected)
    {
        var result = Snooze.Until(DateOnly.Parse(day), Times.Utc(now), Times.Zone(zone), NineToFive, country: null);

        result.Problem.Should().BeNull();
        result.ResumeAt.Should().Be(Times.Utc(expected));
    }

    [Theory]
    [InlineData("2026-12-10T20:00", "America/New_York", "2026-12-10")] // today there
    [InlineData("2026-12-10T20:00", "Asia/Tokyo", "2026-12-11")] // already today in Tokyo, though tomorrow in UTC
    [InlineData("2026-12-10T20:00", "America/New_York", "2026-12-01")]
    [InlineData("2026-12-10T20:00", "America/New_York", "2028-01-01")] // more than a year ahead
    public void Refuses_today_the_past_and_days_more_than_a_year_ahead(string now, string zone, string day)
    {
        var result = Snooze.Until(DateOnly.Parse(day), Times.Utc(now), Times.Zone(zone), NineToFive, country: null);

        result.ResumeAt.Should().BeNull();
        result.Problem.Should().StartWith("Pick a day");
    }

    [Fact]
    public void Skips_the_lead_s_public_holidays_when_the_sequence_does()
    {
        var settings = NineToFive with { SkipHolidays = true };

        var result = Snooze.Until(new DateOnly(2026, 12, 25), Times.Utc("2026-12-10T12:00"), Times.Zone("Europe/London"), settings, country: "GB");

        // Christmas Day and Boxing Day (observed on Monday the 28th) are holidays in England.
        result.ResumeAt.Should().Be(Times.Utc("2026-12-29T09:00"));
    }
}
