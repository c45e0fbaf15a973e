using System.Globalization;
using System.Text.RegularExpressions;

namespace Sequences.Core.Replies;

/// <summary>The first day an out-of-office sender is back, and the words it was read from.</summary>
public sealed record ReturnDate(DateOnly FirstDayBack, string Phrase);

/// <summary>
/// Reads the return date from an English out-of-office text, relative to the day it was received.
/// Only a date right after a cue counts ("back", "return(ing)", "until", "till", "through", "after"), so dates in
/// signatures or in the quoted original never do; quoted text is cut off first.
/// Rules (each chosen where the phrasing is vague):
/// <list type="bullet">
/// <item>"back/returning X" means X is the first day back; "until/till/through/after X" means X is the last day
/// away, so the sender is back the day after (mailing a day late costs little; mailing someone still away wastes a touch).</item>
/// <item>A date without a year is the next one on or after the received day, except that a date up to
/// <see cref="StaleDays"/> days before it stays in the past (a stale auto-reply, not a year-long absence).
/// A bare day ("the 9th") is the next such day; a bare weekday is the next one after the received day.</item>
/// <item>n/m is ambiguous (US month/day or day/month): a named weekday that fits one reading decides; otherwise the
/// reading nearer to the received day wins ("back 12/03" received in March is 12 March, received in late November
/// is 3 December). n.m is always day.month.</item>
/// <item>Several cues: the latest first day back wins ("out until March 6, back March 9" is March 9).</item>
/// <item>Dates more than <see cref="MaxDaysAhead"/> days ahead are not believed.</item>
/// </list>
/// </summary>
public static partial class ReturnDateParser
{
    public const int StaleDays = 31;
    public const int MaxDaysAhead = 366;

    /// <summary>Only this much of a message is read: return dates sit at the top, and the regexes stay cheap.</summary>
    private const int MaxTextLength = 8_000;

    private static readonly string[] Weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static readonly string[] Months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    public static ReturnDate? Parse(string? text, DateOnly received)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var own = OwnText(text.Length > MaxTextLength ? text[..MaxTextLength] : text);
        ReturnDate? best = null;
        foreach (Match cue in Cue().Matches(own))
        {
            var afterCue = own[(cue.Index + cue.Length)..];
            var filler = Filler().Match(afterCue);
            var rest = afterCue[filler.Length..];
            var lastDayAway = IsUntil(cue.Value) || AfterWord().IsMatch(filler.Value);
            if (ReadDate(rest, received, lastDayAway) is not { } read) continue;
            var firstDayBack = lastDayAway && !read.NamesFirstDayBack ? read.Date.AddDays(1) : read.Date;
            if (firstDayBack.DayNumber - received.DayNumber > MaxDaysAhead) continue;
            var phrase = (cue.Value + afterCue[..(filler.Length + read.Length)]).Trim();
            if (best is null || firstDayBack > best.FirstDayBack) best = new ReturnDate(firstDayBack, Collapse(phrase));
        }
        return best;
    }

    private static bool IsUntil(string cue) =>
        cue.ToLowerInvariant() is "until" or "till" or "til" or "through" or "thru";

    /// <summary>The sender's own words: everything before the quoted original.</summary>
    private static string OwnText(string text)
    {
        var quote = QuoteStart().Match(text);
        return quote.Success ? text[..quote.Index] : text;
    }

    private static string Collapse(string phrase) => Whitespace().Replace(phrase, " ");

    /// <param name="NamesFirstDayBack">"tomorrow" and "next week" name when the absence ends, whatever the cue:
    /// "out until next week" is back on Monday.</param>
    private readonly record struct Read(DateOnly Date, int Length, bool NamesFirstDayBack = false);

    /// <summary>A date at the very start of <paramref name="text"/>, resolved against <paramref name="received"/>.</summary>
    /// <param name="lastDayAway">Whether the date names the last day away: then a bare weekday may be today.</param>
    private static Read? ReadDate(string text, DateOnly received, bool lastDayAway)
    {
        var prefix = WeekdayPrefix().Match(text);
        DayOfWeek? weekday = prefix.Success ? WeekdayOf(prefix.Groups["weekday"].Value) : null;
        var body = text[prefix.Length..];
        var start = prefix.Length;

        if (Iso().Match(body) is { Success: true } iso)
            return Exact(int.Parse(iso.Groups["y"].Value, CultureInfo.InvariantCulture), Number(iso, "m"), Number(iso, "d")) is { } isoDate
                ? new Read(isoDate, start + iso.Length) : null;

        if (MonthFirst().Match(body) is { Success: true } md)
            return Resolve([(MonthOf(md.Groups["month"].Value), Number(md, "d"))], Year(md), weekday, received) is { } mdDate
                ? new Read(mdDate, start + md.Length) : null;

        if (DayFirst().Match(body) is { Success: true } dm)
            return Resolve([(MonthOf(dm.Groups["month"].Value), Number(dm, "d"))], Year(dm), weekday, received) is { } dmDate
                ? new Read(dmDate, start + dm.Length) : null;

        if (Numeric().Match(body) is { Success: true } numeric)
        {
            var (a, b) = (Number(numeric, "a"), Number(numeric, "b"));
            // Dots are day.month everywhere they are written; slashes are read both ways.
            (int, int)[] readings = numeric.Groups["sep"].Value == "." ? [(b, a)] : [(a, b), (b, a)];
            return Resolve(readings, Year(numeric), weekday, received) is { } numericDate ? new Read(numericDate, start + numeric.Length) : null;
        }

        if (DayOnly().Match(body) is { Success: true } dayOnly)
            return NextDay(Number(dayOnly, "d"), received) is { } day ? new Read(day, start + dayOnly.Length) : null;

        if (Tomorrow().Match(body) is { Success: true } tomorrow)
            return new Read(received.AddDays(1), start + tomorrow.Length, NamesFirstDayBack: true);

        if (NextWeek().Match(body) is { Success: true } nextWeek)
            return new Read(NextWeekday(received, DayOfWeek.Monday), start + nextWeek.Length, NamesFirstDayBack: true);

        // A weekday alone: "back Monday" is the next Monday after the day the reply came; "out until Friday" sent on a
        // Friday means today.
        if (weekday is not { } alone) return null;
        var next = lastDayAway && received.DayOfWeek == alone ? received : NextWeekday(received, alone);
        return new Read(next, prefix.Groups["weekday"].Index + prefix.Groups["weekday"].Length);
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static int? Year(Match match)
    {
        if (match.Groups["y"] is not { Success: true } group) return null;
        var year = int.Parse(group.Value, CultureInfo.InvariantCulture);
        return year < 100 ? 2000 + year : year;
    }

    /// <summary>Picks one (month, day) reading: valid, not stale, matching a named weekday if any, nearest to the received day.</summary>
    private static DateOnly? Resolve(IEnumerable<(int Month, int Day)> readings, int? year, DayOfWeek? weekday, DateOnly received)
    {
        var candidates = readings
            .Select(r => year is { } y ? Exact(y, r.Month, r.Day) : NextOccurrence(r.Month, r.Day, received))
            .OfType<DateOnly>()
            .Where(d => d.DayNumber - received.DayNumber >= -StaleDays)
            .Distinct()
            .ToList();
        if (weekday is { } named && candidates.Any(d => d.DayOfWeek == named))
            candidates = candidates.Where(d => d.DayOfWeek == named).ToList();
        return candidates.Count == 0 ? null : candidates.MinBy(d => Math.Abs(d.DayNumber - received.DayNumber));
    }

    private static DateOnly? Exact(int year, int month, int day) =>
        year is >= 2000 and <= 9998 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;

    /// <summary>This year's date unless it lies more than <see cref="StaleDays"/> before the received day; then next year's.</summary>
    private static DateOnly? NextOccurrence(int month, int day, DateOnly received)
    {
        if (Exact(received.Year, month, day) is { } thisYear && thisYear.DayNumber - received.DayNumber >= -StaleDays) return thisYear;
        // 29 February may be years away; the horizon check rejects it rather than guessing.
        return Exact(received.Year + 1, month, day);
    }

    private static DateOnly? NextDay(int day, DateOnly received)
    {
        for (var months = 0; months <= 2; months++)
        {
            var month = received.AddMonths(months);
            if (Exact(month.Year, month.Month, day) is { } date && date >= received) return date;
        }
        return null;
    }

    private static DateOnly NextWeekday(DateOnly received, DayOfWeek day)
    {
        var ahead = ((int)day - (int)received.DayOfWeek + 7) % 7;
        return received.AddDays(ahead == 0 ? 7 : ahead);
    }

    private static DayOfWeek WeekdayOf(string name) =>
        (DayOfWeek)Array.FindIndex(Weekdays, w => w.StartsWith(name[..3], StringComparison.OrdinalIgnoreCase));

    private static int MonthOf(string name) =>
        Array.FindIndex(Months, m => m.StartsWith(name[..3], StringComparison.OrdinalIgnoreCase)) + 1;

    private const string MonthName =
        @"(?<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

    private const string Ordinal = @"(?:st|nd|rd|th)?";

    private const string YearSuffix = @"(?:,?\s+(?<y>\d{4})\b)?";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"\b(?:back|return(?:ing|s)?|until|till|til|through|thru)\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Cue();

    // Words between the cue and the date: "back [in the office on] Monday", "returning [to work on] the 9th".
    [GeneratedRegex(
        @"^(?:[\s,:]+|\b(?:in|at|to|into|the|office|work|my|desk|on|by|from|again|as|of|starting|after|and|including|will|be|vacation|holiday|holidays|leave|travel|pto)\b)*",
        Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Filler();

    [GeneratedRegex(
        @"^(?<weekday>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?(?:[\s,]+(?:the\s+)?)?",
        Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex WeekdayPrefix();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Iso();

    [GeneratedRegex("^" + MonthName + @"\s+(?<d>\d{1,2})" + Ordinal + @"\b(?!\s*(?::|am\b|pm\b|a\.m|p\.m))" + YearSuffix, Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(@"^(?:the\s+)?(?<d>\d{1,2})" + Ordinal + @"(?:\s+of)?\s+" + MonthName + @"\b" + YearSuffix, Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex DayFirst();

    // A time ("5.30pm", "3/4 hours" aside) is not a date: nothing like am/pm or a colon may follow.
    [GeneratedRegex(@"^(?<a>\d{1,2})(?<sep>[/.])(?<b>\d{1,2})(?:\k<sep>(?<y>\d{4}|\d{2}))?\b(?!\s*(?::|am\b|pm\b|a\.m|p\.m|h\b|[/.]\d))", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Numeric();

    // A bare number must carry its ordinal: "until 9" is more often a time than a date.
    [GeneratedRegex(@"^(?:the\s+)?(?<d>\d{1,2})(?:st|nd|rd|th)\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex DayOnly();

    [GeneratedRegex(@"^tomorrow\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Tomorrow();

    [GeneratedRegex(@"^next\s+week\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex NextWeek();

    // Where the quoted original starts: a "> " line, "On ... wrote:", an Outlook header block or separator.
    [GeneratedRegex(@"^(?:>|On\s.{1,200}\swrote:|-{2,}\s*Original Message\s*-{2,}|From:\s|_{10,})", Options | RegexOptions.Multiline, matchTimeoutMilliseconds: 200)]
    private static partial Regex QuoteStart();

    [GeneratedRegex(@"\bafter\b", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex AfterWord();

    [GeneratedRegex(@"\s+", Options, matchTimeoutMilliseconds: 200)]
    private static partial Regex Whitespace();
}
