using System.Collections.Concurrent;
using PublicHoliday;

namespace Sequences.Core.Engine;

/// <summary>
/// One country's public holidays (DESIGN §3 "skip_holidays"): email sends skip them like weekends, in the
/// lead's zone. The PublicHoliday package computes them without I/O, so this stays in Core.
/// </summary>
public sealed class HolidayCalendar
{
    // Calendars and years are computed once per process: a pass asks for the same few thousands of times.
    private static readonly ConcurrentDictionary<(string Country, int Year), IReadOnlyDictionary<DateOnly, string>> Years = new();

    private static readonly Dictionary<string, Func<PublicHolidayBase>> Countries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GB"] = () => new UKBankHoliday(),
        ["UK"] = () => new UKBankHoliday(),
        ["US"] = () => new USAPublicHoliday(),
        ["CA"] = () => new CanadaPublicHoliday(),
        ["IE"] = () => new IrelandPublicHoliday(),
        ["DE"] = () => new GermanPublicHoliday(),
        ["FR"] = () => new FrancePublicHoliday(),
        ["NL"] = () => new DutchPublicHoliday(),
        ["BE"] = () => new BelgiumPublicHoliday(),
        ["AT"] = () => new AustriaPublicHoliday(),
        ["CH"] = () => new SwitzerlandPublicHoliday(),
        ["ES"] = () => new SpainPublicHoliday(),
        ["IT"] = () => new ItalyPublicHoliday(),
        ["PT"] = () => new PortugalPublicHoliday(),
        ["SE"] = () => new SwedenPublicHoliday(),
        ["NO"] = () => new NorwayPublicHoliday(),
        ["DK"] = () => new DenmarkPublicHoliday(),
        ["FI"] = () => new FinlandPublicHoliday(),
        ["PL"] = () => new PolandPublicHoliday(),
        ["CZ"] = () => new CzechRepublicPublicHoliday(),
        ["NZ"] = () => new NewZealandPublicHoliday(),
        ["JP"] = () => new JapanPublicHoliday(),
        ["ZA"] = () => new SouthAfricaPublicHoliday(),
        ["BR"] = () => new BrazilPublicHoliday(),
        ["MX"] = () => new MexicoPublicHoliday(),
    };

    private readonly PublicHolidayBase _source;

    private HolidayCalendar(string country, PublicHolidayBase source)
    {
        Country = country;
        _source = source;
    }

    /// <summary>The ISO code as the lead has it, upper case.</summary>
    public string Country { get; }

    /// <summary>The country's calendar, or null for no country or one the package does not know (sends then ignore holidays).</summary>
    public static HolidayCalendar? For(string? country)
    {
        if (string.IsNullOrWhiteSpace(country)) return null;
        var code = country.Trim().ToUpperInvariant();
        return Countries.TryGetValue(code, out var create) ? new HolidayCalendar(code, create()) : null;
    }

    public static bool IsSupported(string? country) => country is not null && Countries.ContainsKey(country.Trim());

    /// <summary>The holiday's name on this local date, or null on an ordinary day.</summary>
    public string? NameOn(DateTime localDate)
    {
        var days = Years.GetOrAdd((Country, localDate.Year), key => Load(_source, key.Year));
        return days.GetValueOrDefault(DateOnly.FromDateTime(localDate));
    }

    private static IReadOnlyDictionary<DateOnly, string> Load(PublicHolidayBase source, int year) =>
        source.PublicHolidayNames(year).ToDictionary(h => DateOnly.FromDateTime(h.Key), h => h.Value);
}
