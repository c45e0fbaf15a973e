using System.Text.RegularExpressions;

namespace Sequences.Core.Tracking;

/// <summary>
/// What a suppression entry may name: one address, or a whole domain written "@rival.example" (a competitor, a
/// customer who must never be prospected). An address is blocked when either its own entry or its domain's exists,
/// so every check looks both up in the one query it already makes.
/// </summary>
public static partial class SuppressionKeys
{
    /// <summary>The entries that would block <paramref name="email"/> (normalised: lower case): its own and its domain's.</summary>
    public static IEnumerable<string> Of(string email)
    {
        yield return email;
        if (DomainOf(email) is { } domain) yield return domain;
    }

    public static IReadOnlyList<string> Of(IEnumerable<string> emails) => emails.SelectMany(Of).Distinct().ToList();

    /// <summary>Whether one of the <paramref name="entries"/> found blocks <paramref name="email"/>.</summary>
    public static bool Blocks(IReadOnlySet<string> entries, string email) =>
        entries.Contains(email) || (DomainOf(email) is { } domain && entries.Contains(domain));

    /// <summary>"@example.com" for "ada@example.com"; null for text without a domain.</summary>
    public static string? DomainOf(string email)
    {
        var at = email.LastIndexOf('@');
        return at >= 0 && at < email.Length - 1 ? email[at..] : null;
    }

    /// <summary>"@rival.example": a domain entry (lower case, at least one dot, letters, digits and hyphens).</summary>
    public static bool IsDomain(string? value) => value is not null && DomainEntry().IsMatch(value);

    [GeneratedRegex(@"^@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainEntry();
}
