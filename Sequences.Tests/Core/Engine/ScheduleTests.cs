using Sequences.Core.Engine;
using static Sequences.Tests.Core.Engine.Times;

namespace Sequences.Tests.Core.Engine;

public sealed class ScheduleTests
{
    [Theory]
    // Ordinary times.
    [InlineData("America/New_York", "2026-01-15T09:00", "2026-01-15T14:00")]
    [InlineData("America/New_York", "2026-07-15T09:00", "2026-07-15T13:00")]
    [InlineData("Asia/Kolkata", "2026-03-08T09:00", "2026-03-08T03:30")]
    [InlineData("UTC", "2026-03-08T09:00", "2026-03-08T09:00")]
    // Spring forward: the gap moves forward by its length.
    [InlineData("America/New_York", "2026-03-08T02:00", "2026-03-08T07:00")]
    [InlineData("America/New_York", "2026-03-08T02:30", "2026-03-08T07:30")]
    [InlineData("America/New_York", "2026-03-08T03:00", "2026-03-08T07:00")]
    [InlineData("Europe/London", "2026-03-29T01:30", "2026-03-29T01:30")]
    [InlineData("Pacific/Chatham", "2026-09-27T03:00", "2026-09-26T14:15")]
    [InlineData("Pacific/Chatham", "2026-09-27T02:44", "2026-09-26T13:59")]
    // Fall back: the earlier of the two instants.
    [InlineData("America/New_York", "2026-11-01T01:30", "2026-11-01T05:30")]
    [InlineData("America/New_York", "2026-11-01T02:00", "2026-11-01T07:00")]
    [InlineData("Europe/London", "2026-10-25T01:30", "2026-10-25T00:30")]
    [InlineData("Pacific/Chatham", "2026-04-05T03:00", "2026-04-04T13:15")]
    [InlineData("Pacific/Chatham", "2026-04-05T03:45", "2026-04-04T15:00")]
    public void LocalToUtc_moves_gaps_forward_and_takes_the_earlier_ambiguous_instant(string zone, string local, string expectedUtc)
    {
        var utc = Schedule.LocalToUtc(Local(local), Zone(zone));

        utc.Should().Be(Utc(expectedUtc));
        utc.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    // delay_days keep the wall time across DST; delay_hours are absolute.
    [InlineData("America/New_York", "2026-03-06T19:00", 3, 0, "2026-03-09T18:00")]
    [InlineData("America/New_York", "2026-10-31T13:00", 1, 0, "2026-11-01T14:00")]
    [InlineData("America/New_York", "2026-03-08T06:00", 0, 2, "2026-03-08T08:00")]
    [InlineData("America/New_York", "2026-03-07T07:30", 1, 0, "2026-03-08T07:30")] // 02:30 EST -> gap -> 03:30 EDT
    [InlineData("Europe/London", "2026-03-28T09:00", 1, 0, "2026-03-29T08:00")]
    [InlineData("Europe/London", "2026-10-24T09:00", 1, 3, "2026-10-25T13:00")]
    [InlineData("Pacific/Chatham", "2026-04-03T20:15", 1, 0, "2026-04-04T21:15")]
    [InlineData("Pacific/Chatham", "2026-09-25T21:15", 2, 0, "2026-09-27T20:15")]
    [InlineData("Asia/Kolkata", "2026-03-07T03:30", 2, 5, "2026-03-09T08:30")]
    [InlineData("America/New_York", "2026-11-01T06:30", 0, 0, "2026-11-01T06:30")] // the second 01:30 stays put
    public void AddWait_counts_calendar_days_in_the_zone_then_absolute_hours(string zone, string fromUtc, int days, int hours, string expectedUtc) =>
        Schedule.AddWait(Utc(fromUtc), days, hours, Zone(zone)).Should().Be(Utc(expectedUtc));

    [Theory]
    [InlineData("Europe/London", "2026-06-02T05:00", "07:00", "2026-06-02T06:00")]
    [InlineData("Europe/London", "2026-06-02T06:00", "07:00", "2026-06-02T06:00")] // at counts
    [InlineData("Europe/London", "2026-06-02T06:01", "07:00", "2026-06-03T06:00")]
    [InlineData("Asia/Kolkata", "2026-06-02T04:00", "09:00", "2026-06-03T03:30")]
    [InlineData("America/New_York", "2026-03-08T01:00", "02:30", "2026-03-08T07:30")] // gap -> 03:30 EDT
    [InlineData("America/New_York", "2026-11-01T04:00", "01:30", "2026-11-01T05:30")] // first 01:30
    [InlineData("America/New_York", "2026-11-01T05:45", "01:30", "2026-11-01T06:30")] // past the first, the second is still ahead
    [InlineData("Pacific/Chatham", "2026-09-26T12:00", "03:00", "2026-09-26T14:15")] // gap -> 04:00 CHADT
    [InlineData("Pacific/Chatham", "2026-04-04T12:00", "03:00", "2026-04-04T13:15")]
    public void NextLocalTime_finds_the_first_such_local_time_at_or_after(string zone, string fromUtc, string time, string expectedUtc) =>
        Schedule.NextLocalTime(Utc(fromUtc), TimeOfDay(time), Zone(zone)).Should().Be(Utc(expectedUtc));

    [Fact]
    public void Unspecified_inputs_are_taken_as_utc()
    {
        var unspecified = DateTime.SpecifyKind(Utc("2026-06-02T05:00"), DateTimeKind.Unspecified);

        var due = Schedule.AddWait(unspecified, 0, 1, Zone("Europe/London"));

        due.Should().Be(Utc("2026-06-02T06:00"));
        due.Kind.Should().Be(DateTimeKind.Utc);
    }
}
