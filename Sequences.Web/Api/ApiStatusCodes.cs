using Microsoft.AspNetCore.Diagnostics;

namespace Sequences.Web.Api;

/// <summary>
/// Under /api every error is a problem detail, including the ones no handler wrote: 401 and 403 from authentication,
/// 404 for a route (or route constraint) that matched nothing, 405 for a wrong method, 415 for a wrong content type.
/// The pages' status-code re-execution (to the HTML not-found page) is turned off for these requests.
/// </summary>
public static class ApiStatusCodes
{
    public static IApplicationBuilder UseApiProblemStatusCodes(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                await next(context);
                return;
            }
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            await next(context);
            var status = context.Response.StatusCode;
            if (status < 400 || context.Response.HasStarted || context.Response.ContentLength is > 0 || context.Response.ContentType is not null) return;
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = Problems.Create(status, TitleFor(status), DetailFor(status)),
            });
        });

    private static string TitleFor(int status) => status switch
    {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        413 => "Payload too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        _ => "Request failed",
    };

    private static string DetailFor(int status) => status switch
    {
        401 => "Send 'Authorization: Bearer <api key>' with a valid, unrevoked key.",
        404 => "No such resource.",
        405 => "This method is not allowed on this resource.",
        413 => "The request body is larger than 1 MB.",
        415 => "Send the body as application/json.",
        _ => "The request could not be processed.",
    };
}
