using System.Globalization;
using Sequences.Core.Engine;
using Sequences.Core.Replies;
using Sequences.Core.Sequences;
using static Sequences.Tests.Core.Engine.Times;

namespace Sequences.Tests.Core.Replies;

public sealed class ReturnDateParserTests
{
    private const string Monday = "2026-03-02"; // received on Monday 2 March 2026

    private static DateOnly Day(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Real-world out-of-office lines, the day they arrived, and the first day back (null: no date to believe).</summary>
    public static TheoryData<string, string, string?> Phrasings => new()
    {
        // "back"/"returning": the date is the first day back.
        { "I'm out of the office and will be back on Monday, March 9.", Monday, "2026-03-09" },
        { "Returning 2026-03-09", Monday, "2026-03-09" },
        { "Thank you for your email. I'll be back on the 9th of March and will reply then.", Monday, "2026-03-09" },
        { "I will return on March 9th, 2026. For urgent matters please contact ops@acme.com.", Monday, "2026-03-09" },
        { "Back in the office Tuesday 10th March", Monday, "2026-03-10" },
        { "I am travelling and will be returning to the office on Wednesday, 11 March 2026.", Monday, "2026-03-11" },
        { "Back on 9.3.2026", Monday, "2026-03-09" },
        { "Out sick, I'll be back tomorrow.", Monday, "2026-03-03" },
        { "Back Monday", Monday, "2026-03-09" },
        { "I'm on leave and back at my desk next week.", "2026-03-04", "2026-03-09" },
        { "back on the 3rd", "2026-03-28", "2026-04-03" },
        { "Returning from vacation on Mon 3/9", Monday, "2026-03-09" },
        // "until"/"through"/"after": the date is the last day away, so the sender is back the day after.
        { "Out of office until 03/12", Monday, "2026-03-13" },
        { "I am out until the 9th", Monday, "2026-03-10" },
        { "I am out of the office until next week.", "2026-03-04", "2026-03-09" }, // names the end of the absence
        { "Out today, back in the office tomorrow", Monday, "2026-03-03" },
        { "I'm on vacation until Friday, March 6, with limited access to email.", Monday, "2026-03-07" },
        { "Out of office through March 13", Monday, "2026-03-14" },
        { "I'm away till Mon 16 March", Monday, "2026-03-17" },
        { "I'm OOO thru 3/6", Monday, "2026-03-07" },
        { "I will be back in the office after March 9", Monday, "2026-03-10" },
        { "Out until Friday", "2026-03-06", "2026-03-07" }, // sent on that Friday: today is the last day away
        // Several cues: the latest day back wins.
        { "I'm out March 2 through March 6 and returning March 9.", Monday, "2026-03-09" },
        // Day/month ambiguity: the reading nearer the received day, unless a weekday decides.
        { "back 12/03", Monday, "2026-03-12" },
        { "back 12/03", "2026-11-28", "2026-12-03" },
        { "Back on Thursday 3/9", Monday, "2026-09-03" },
        // No year: the next one, rolling into the next year; a date just passed stays in the past (stale auto-reply).
        { "Out of office until Jan 5", "2026-12-22", "2027-01-06" },
        { "Returning on 1/5", "2026-12-22", "2027-01-05" },
        { "Back March 9", "2026-03-20", "2026-03-09" },
        // Nothing to believe.
        { "I'm out of the office with no access to email. I will get back to you as soon as possible.", Monday, null },
        { "Thanks for your email. I'm currently travelling.", Monday, null },
        { "I'll get back to you on Monday.", Monday, null },
        { "Returning 31/02", Monday, null },
        { "Back at 5.30pm today", Monday, null },
        { "Back 2026-13-40", Monday, null },
        { "I'm out until 2031-01-01 on sabbatical", Monday, null }, // more than a year ahead
        { "I'm away.\n\nOn Fri, Feb 27, 2026 at 10:00 AM Ada <ada@acme.com> wrote:\n> Our offer is valid until March 31.", Monday, null },
        { "I'm away.\n> Our offer is valid until March 31.", Monday, null },
    };

    [Theory]
    [MemberData(nameof(Phrasings))]
    public void Reads_the_first_day_back(string text, string received, string? expected)
    {
        var result = ReturnDateParser.Parse(text, Day(received));
        if (expected is null) result.Should().BeNull();
        else result.Should().NotBeNull().And.Subject.As<ReturnDate>().FirstDayBack.Should().Be(Day(expected));
    }

    [Fact]
    public void Names_the_words_it_read()
    {
        var result = ReturnDateParser.Parse("Hi,\nI will  be back on\nMonday, March 9. Best, Ada", Day(Monday));
        result!.Phrase.Should().Be("back on Monday, March 9");
    }

    [Fact]
    public void Empty_text_has_no_date()
    {
        ReturnDateParser.Parse(null, Day(Monday)).Should().BeNull();
        ReturnDateParser.Parse("   ", Day(Monday)).Should().BeNull();
    }

    /// <summary>The first business morning on or after the first day back, in the lead's zone, at the window's start.</summary>
    public static TheoryData<string, string, string?, string> Mornings => new()
    {
        { "2026-03-09", "Europe/Berlin", null, "2026-03-09T08:00" },     // Monday 09:00 CET
        { "2026-03-09", "America/New_York", null, "2026-03-09T13:00" },  // 09:00 EDT, the day after the clocks changed
        { "2026-03-06", "America/New_York", null, "2026-03-06T14:00" },  // 09:00 EST, before the change
        { "2026-03-07", "Europe/London", null, "2026-03-09T09:00" },      // Saturday -> Monday 09:00 GMT
        { "2026-03-09", "Asia/Tokyo", "08:30", "2026-03-08T23:30" },      // Monday 08:30 JST is Sunday in UTC
        { "2026-03-10", "Pacific/Auckland", null, "2026-03-09T20:00" },   // 09:00 NZDT
    };

    [Theory]
    [MemberData(nameof(Mornings))]
    public void Resumes_on_the_business_morning_in_the_leads_zone(string firstDayBack, string zone, string? windowStart, string expectedUtc)
    {
        var window = windowStart is null ? null : new SendWindow(windowStart, "17:00");
        OutOfOfficeResume.At(Day(firstDayBack), Zone(zone), window).Should().Be(Utc(expectedUtc));
    }
    /// <summary>With skip_holidays and a country, the morning back also skips that country's public holidays.</summary>
    public static TheoryData<string, string, string?, string> HolidayMornings => new()
    {
        // Christmas Day is a Friday, Boxing Day a Saturday whose bank holiday moves to Monday 28th: Tuesday 09:00 GMT.
        { "2026-12-25", "Europe/London", "GB", "2026-12-29T09:00" },
        { "2026-12-25", "Europe/London", null, "2026-12-25T09:00" },      // no country: a Friday like any other
        // Independence Day 2026 is a Saturday, observed on Friday 3 July; back on the 3rd means Monday 6th, 09:00 EDT.
        { "2026-07-03", "America/New_York", "US", "2026-07-06T13:00" },
        { "2026-07-03", "America/New_York", "GB", "2026-07-03T13:00" },  // the lead's own country decides
    };

    [Theory]
    [MemberData(nameof(HolidayMornings))]
    public void Resumes_after_the_leads_public_holidays_when_the_sequence_skips_them(string firstDayBack, string zone, string? country, string expectedUtc)
    {
        var holidays = Schedule.HolidaysFor(new SequenceSettings { SkipHolidays = true }, country);
        OutOfOfficeResume.At(Day(firstDayBack), Zone(zone), null, holidays).Should().Be(Utc(expectedUtc));
    }

    [Fact]
    public void A_sequence_that_does_not_skip_holidays_resumes_on_the_holiday()
    {
        var holidays = Schedule.HolidaysFor(new SequenceSettings { SkipHolidays = false }, "GB");
        OutOfOfficeResume.At(Day("2026-12-28"), Zone("Europe/London"), null, holidays).Should().Be(Utc("2026-12-28T09:00"));
    }
}
