using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Sequences.Web.Security;

/// <summary><c>RateLimits:*</c>: requests per minute and client address. Generous by default: they stop password
/// guessing and floods of the public tracking URLs, never a person or a mail client prefetching links.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Posts of the sign-in, forgot-password and reset-password forms per minute and address.</summary>
    public int LoginPerMinute { get; set; } = 20;

    /// <summary>Requests to /t/o, /t/c and /u per minute and address.</summary>
    public int TrackingPerMinute { get; set; } = 600;
}

/// <summary>One global limiter that picks the limit by path, so the login page (a Razor component) and the tracking
/// endpoints are limited without touching their mapping, and every other request passes untouched.</summary>
public static class RateLimits
{
    public static IServiceCollection AddSequencesRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Classify(context.Request) switch
            {
                "login" => Window($"login|{Client(context)}", options.LoginPerMinute),
                "tracking" => Window($"tracking|{Client(context)}", options.TrackingPerMinute),
                _ => RateLimitPartition.GetNoLimiter(""),
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var response = rejected.HttpContext.Response;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                await Results.Problem(title: "Too many requests", detail: "Too many requests from this address. Try again in a minute.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    /// <summary>The anonymous forms that check a password or a reset link, or send mail: they share the sign-in limit.</summary>
    private static readonly string[] SignInForms = ["/login", "/forgot-password", "/reset-password"];

    /// <summary>Which limit a request falls under: only what an anonymous stranger can hammer.</summary>
    public static string? Classify(HttpRequest request)
    {
        if (HttpMethods.IsPost(request.Method) && SignInForms.Any(path => request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))) return "login";
        if (request.Path.StartsWithSegments("/t/o") || request.Path.StartsWithSegments("/t/c") || request.Path.StartsWithSegments("/u")) return "tracking";
        return null;
    }

    private static RateLimitPartition<string> Window(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    // Behind a reverse proxy, configure forwarded headers so this is the client and not the proxy.
    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
