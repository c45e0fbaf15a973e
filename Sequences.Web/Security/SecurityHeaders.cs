using System.Security.Cryptography;

namespace Sequences.Web.Security;

/// <summary>
/// Headers every response carries unless an endpoint set its own (the tracking endpoints do): a CSP that allows
/// what Blazor Server and MudBlazor need and nothing else, no framing by other sites, no MIME sniffing and no
/// referrer leaking ids in URLs.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "csp-nonce";

    /// <summary>The per-request nonce the one inline script (Blazor's import map) carries.</summary>
    public static string CspNonce(this HttpContext context) =>
        context.Items[NonceKey] as string ?? "";

    /// <summary>The app's pages. Scripts only from the app itself (plus the nonce'd import map); MudBlazor sets
    /// inline styles on elements, so styles need 'unsafe-inline'; the circuit is a websocket to the app. Email
    /// previews are sandboxed srcdoc iframes: they inherit this policy, so images in mail may come from https.
    /// frame-ancestors 'self' rather than 'none' because the app frames its own previews.</summary>
    public static string AppPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; " +
        "font-src 'self' data:; " +
        "connect-src 'self' ws: wss:; " +
        "frame-src 'self'; " +
        "frame-ancestors 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>The Scalar API reference renders with an inline bootstrap script and inline styles of its own.</summary>
    public const string ApiDocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; font-src 'self' data: https:; connect-src 'self'; " +
        "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>The JSON API and the health endpoint render nothing: forbid everything.</summary>
    public const string NoContentPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // Hex, not base64: '+' and '/' would be entity-encoded in the page's attribute, which is the same value to a
            // browser but not to anyone comparing the page with the header.
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // Endpoints with stricter needs (tracking pages) set a full policy of their own before the response
                // starts. Blazor sets a bare "frame-ancestors 'self'" on its pages: ours replaces it and keeps that directive.
                if (!headers.ContentSecurityPolicy.ToString().Contains("default-src", StringComparison.Ordinal))
                    headers.ContentSecurityPolicy = PolicyFor(context.Request.Path, nonce);
                headers.XContentTypeOptions = "nosniff";
                if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                if (!headers.ContainsKey("X-Frame-Options")) headers.XFrameOptions = "SAMEORIGIN";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                return Task.CompletedTask;
            });
            await next(context);
        });

    private static string PolicyFor(PathString path, string nonce)
    {
        if (path.StartsWithSegments("/api/docs") || path.StartsWithSegments("/scalar")) return ApiDocsPolicy;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi")) return NoContentPolicy;
        return AppPolicy(nonce);
    }
}
