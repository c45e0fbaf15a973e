namespace Sequences.Web.Components.Pages.Account;

public static class ReturnUrls
{
    public const string Default = "/sequences";

    /// <summary>
    /// Only same-site paths survive: "//host" and "/\host" are protocol-relative and would send the
    /// freshly signed-in user to another site (open redirect). Back to the login page is pointless.
    /// </summary>
    public static string Safe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/') return Default;
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return Default;
        if (url.Any(char.IsControl)) return Default;
        if (url.Equals("/login", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("/login?", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("/login/", StringComparison.OrdinalIgnoreCase)) return Default;
        return url;
    }
}
