using Microsoft.Extensions.Options;

namespace Sequences.Infrastructure.Tracking;

/// <summary>Absolute URLs of the public tracking endpoints: <c>/t/o/{token}</c>, <c>/t/c/{token}</c>, <c>/u/{token}</c>.</summary>
public sealed class TrackingUrls(IOptions<TrackingOptions> options)
{
    public const string OpenPath = "t/o/";
    public const string ClickPath = "t/c/";
    public const string UnsubscribePath = "u/";

    private ResolvedBase? _last;

    public string Open(string token, string? fallbackBaseUrl = null) => Build(BaseUrl(fallbackBaseUrl), OpenPath, token);

    public string Click(string token, string? fallbackBaseUrl = null) => Build(BaseUrl(fallbackBaseUrl), ClickPath, token);

    public string Unsubscribe(string token, string? fallbackBaseUrl = null) => Build(BaseUrl(fallbackBaseUrl), UnsubscribePath, token);

    /// <summary><c>Tracking:BaseUrl</c> when set, else the caller's fallback (the app's own listening URL).</summary>
    /// <exception cref="InvalidOperationException">Neither is an absolute http(s) URL.</exception>
    public string BaseUrl(string? fallbackBaseUrl = null)
    {
        var configured = options.Value.BaseUrl;
        var candidate = string.IsNullOrWhiteSpace(configured) ? fallbackBaseUrl : configured;
        if (string.IsNullOrWhiteSpace(candidate))
            throw new InvalidOperationException("No tracking base URL: set Tracking:BaseUrl or pass the app's URL.");
        // Asked for every link of every mail with the same candidate: parsing it each time was a Uri and several
        // strings per link.
        if (_last is { } last && last.Candidate == candidate) return last.Url;
        if (!Uri.TryCreate(candidate.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"Tracking base URL '{candidate}' is not an absolute http(s) URL.");
        // Keep any path prefix (an app served under /sequences/), drop query and fragment.
        var url = uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
        _last = new ResolvedBase(candidate, url);
        return url;
    }

    /// <summary>Joins a base URL and an endpoint; tokens are base64url, so they need no escaping.</summary>
    public static string Build(string baseUrl, string path, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return string.Concat(baseUrl.AsSpan().TrimEnd('/'), "/", path, token);
    }

    private sealed record ResolvedBase(string Candidate, string Url);
}
