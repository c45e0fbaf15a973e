namespace Sequences.Core.Common;

/// <summary>The one place that turns zone names into <see cref="TimeZoneInfo"/>; only IANA names are accepted.</summary>
public static class TimeZones
{
    public static bool IsIana(string? id) => TryFind(id, out _);

    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        // Windows names ("Eastern Standard Time") resolve on Linux too, but the contract is IANA.
        if (id != "UTC" && TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _)) return false;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The lead's zone: the lead's own, else the sequence's, else the tenant's, else UTC.</summary>
    public static TimeZoneInfo Resolve(params string?[] candidates)
    {
        foreach (var id in candidates)
            if (TryFind(id, out var zone)) return zone;
        return TimeZoneInfo.Utc;
    }
    // The zone database does not change while the process runs; listing and checking ~600 zones once is enough.
    private static readonly Lazy<IReadOnlyList<string>> KnownIds = new(() => TimeZoneInfo.GetSystemTimeZones(skipSorting: true)
        .Select(z => z.HasIanaId ? z.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(z.Id, out var iana) ? iana : null)
        .OfType<string>().Append("UTC").Distinct().Where(IsIana).Order(StringComparer.Ordinal).ToList());

    private static readonly Lazy<Dictionary<string, string>> ByLowerName = new(() =>
        IanaIds.ToDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase));

    /// <summary>The zone's name as the zone database spells it ("europe/paris" is stored and shown as "Europe/Paris");
    /// a name it does not know is returned as given, for validation to refuse.</summary>
    public static string? Canonical(string? id) =>
        id is null ? null : ByLowerName.Value.TryGetValue(id.Trim(), out var canonical) ? canonical : id;

    /// <summary>Every IANA zone name this machine knows, sorted: what a zone picker offers.</summary>
    public static IReadOnlyList<string> IanaIds => KnownIds.Value;

    /// <summary>Zone names matching what a person typed ("new york", "berlin", "Europe/"): a city that starts with it first.</summary>
    public static IReadOnlyList<string> Search(string? text, int max = 50)
    {
        var query = text?.Trim().Replace('_', ' ');
        if (string.IsNullOrEmpty(query)) return IanaIds.Take(max).ToList();
        return IanaIds
            .Select(id => (Id: id, Readable: id.Replace('_', ' ')))
            .Where(z => z.Readable.Contains(query, StringComparison.OrdinalIgnoreCase))
            .OrderBy(z => z.Readable[(z.Readable.LastIndexOf('/') + 1)..].StartsWith(query, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .Take(max).Select(z => z.Id).ToList();
    }
}
