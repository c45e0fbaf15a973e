using System.Text.RegularExpressions;

namespace Sequences.Infrastructure.Tracking;

/// <summary>
/// The subject of the mail a mail client sends for a List-Unsubscribe mailto: "unsubscribe" and the message's signed
/// token. Clients may prefix it ("Re:", "Fwd:") or quote it, so the token is looked for anywhere in the subject.
/// </summary>
public static partial class UnsubscribeSubject
{
    private const string Word = "unsubscribe";

    public static string For(string token) => $"{Word} {token}";

    /// <summary>The token in <paramref name="subject"/>, or null when it is not an unsubscribe request.</summary>
    public static string? TokenIn(string? subject) =>
        subject is { Length: > 0 and <= 998 } && Request().Match(subject) is { Success: true } match ? match.Groups["token"].Value : null;

    [GeneratedRegex(@"\bunsubscribe\s+(?<token>[A-Za-z0-9_-]{40,512})(?![A-Za-z0-9_-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Request();
}
