using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using static Sequences.Tests.Core.Engine.Times;

namespace Sequences.Tests.Core.Engine;

public sealed class ScheduleWindowTests
{
    // 2026-06-01 is a Monday; London is on BST (+01:00).
    [Theory]
    [InlineData("09:00", "17:00", true, "2026-06-02T07:59", false)]
    [InlineData("09:00", "17:00", true, "2026-06-02T08:00", true)] // 09:00 start inclusive
    [InlineData("09:00", "17:00", true, "2026-06-02T15:59", true)]
    [InlineData("09:00", "17:00", true, "2026-06-02T16:00", false)] // 17:00 end exclusive
    [InlineData("09:00", "17:00", true, "2026-06-06T10:00", false)] // Saturday
    [InlineData("09:00", "17:00", false, "2026-06-06T10:00", true)]
    [InlineData("09:00", "24:00", true, "2026-06-02T22:59", true)] // 23:59 local
    [InlineData("09:00", "24:00", true, "2026-06-02T23:00", false)] // 00:00 local next day
    [InlineData("00:00", "24:00", false, "2026-06-06T23:30", true)] // always open
    [InlineData("00:00", "24:00", true, "2026-06-06T23:30", false)] // always open, but Sunday
    public void IsInWindow_uses_local_time_with_an_exclusive_end(string start, string end, bool businessDaysOnly, string utc, bool expected) =>
        Schedule.IsInWindow(Utc(utc), Zone("Europe/London"), new SendWindow(start, end), businessDaysOnly).Should().Be(expected);

    [Theory]
    [InlineData("Europe/London", "09:00", "17:00", true, "2026-06-02T10:00", "2026-06-02T10:00")] // inside: itself
    [InlineData("Europe/London", "09:00", "17:00", true, "2026-06-02T05:00", "2026-06-02T08:00")]
    [InlineData("Europe/London", "09:00", "17:00", true, "2026-06-02T16:00", "2026-06-03T08:00")]
    [InlineData("Europe/London", "09:00", "17:00", true, "2026-06-05T16:00", "2026-06-08T08:00")] // Fri 17:00 -> Mon 09:00
    [InlineData("Europe/London", "09:00", "17:00", false, "2026-06-05T16:00", "2026-06-06T08:00")] // Fri 17:00 -> Sat 09:00
    [InlineData("Europe/London", "09:00", "17:00", true, "2026-06-06T10:00", "2026-06-08T08:00")] // Sat -> Mon
    [InlineData("Europe/London", "00:00", "24:00", false, "2026-06-06T10:00", "2026-06-06T10:00")]
    [InlineData("Europe/London", "00:00", "24:00", true, "2026-06-06T10:00", "2026-06-07T23:00")] // Sat -> Mon 00:00 BST
    [InlineData("Europe/London", "09:00", "24:00", true, "2026-06-02T23:30", "2026-06-03T08:00")]
    [InlineData("Asia/Kolkata", "09:00", "17:00", true, "2026-06-05T12:00", "2026-06-08T03:30")] // Fri 17:30 IST -> Mon 09:00 IST
    [InlineData("America/New_York", "09:00", "17:00", true, "2026-03-06T22:00", "2026-03-09T13:00")] // Fri EST -> Mon EDT
    [InlineData("America/New_York", "09:00", "17:00", true, "2026-10-30T22:00", "2026-11-02T14:00")] // Fri EDT -> Mon EST
    [InlineData("America/New_York", "02:30", "17:00", false, "2026-03-08T05:00", "2026-03-08T07:30")] // opening in the gap -> 03:30 EDT
    [InlineData("America/New_York", "02:00", "02:59", false, "2026-03-08T05:00", "2026-03-09T06:00")] // the whole window is in the gap
    [InlineData("America/New_York", "01:30", "17:00", false, "2026-11-01T06:10", "2026-11-01T06:30")] // second 01:10 -> second 01:30
    [InlineData("Pacific/Chatham", "03:00", "17:00", false, "2026-09-26T12:00", "2026-09-26T14:15")] // gap -> 04:00 CHADT
    [InlineData("Pacific/Chatham", "09:00", "17:00", true, "2026-04-04T12:00", "2026-04-05T20:15")] // Sun -> Mon 09:00 CHAST
    public void NextWindowOpening_waits_for_the_next_opening(string zone, string start, string end, bool businessDaysOnly, string fromUtc, string expectedUtc) =>
        Schedule.NextWindowOpening(Utc(fromUtc), Zone(zone), new SendWindow(start, end), businessDaysOnly).Should().Be(Utc(expectedUtc));

    [Theory]
    [InlineData("nonsense", "17:00")]
    [InlineData("09:00", "25:00")]
    [InlineData("17:00", "09:00")]
    public void A_stored_window_that_does_not_parse_falls_back_to_the_default(string start, string end)
    {
        var window = new SendWindow(start, end);
        var london = Zone("Europe/London");

        Schedule.IsInWindow(Utc("2026-06-02T08:00"), london, window, true).Should().BeTrue();
        Schedule.IsInWindow(Utc("2026-06-02T16:00"), london, window, true).Should().BeFalse();
    }
}
