using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Sequences.Web.Tracking;

/// <summary>
/// The few pages a recipient sees. Plain, self-contained HTML: they are opened from a mail client by people who
/// have no account here, so they load nothing from the app (no Blazor, no scripts, no login).
/// </summary>
internal static class TrackingPages
{
    // Inline styles only, no framing (an unsubscribe button must not be clickjacked), forms post back to us only.
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static ContentHttpResult ConfirmUnsubscribe(string email, string tenant) => Page("Unsubscribe", $"""
        <h1>Unsubscribe</h1>
        <p>Unsubscribe <strong>{Html.Encode(email)}</strong> from {Html.Encode(tenant)}'s emails?</p>
        <form method="post">
          <input type="hidden" name="List-Unsubscribe" value="One-Click">
          <button type="submit">Unsubscribe</button>
        </form>
        """);

    public static ContentHttpResult Unsubscribed(string email, string tenant) => Page("You are unsubscribed", $"""
        <h1>You are unsubscribed</h1>
        <p><strong>{Html.Encode(email)}</strong> will get no more emails from {Html.Encode(tenant)}.</p>
        """);

    public static ContentHttpResult NotFound() => Page("Link not valid", """
        <h1>This link is not valid</h1>
        <p>Please use the link exactly as it appears in the email.</p>
        """, StatusCodes.Status404NotFound);

    private static ContentHttpResult Page(string title, string body, int status = StatusCodes.Status200OK) => TypedResults.Content($$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{Html.Encode(title)}}</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; color: #222; max-width: 34rem; margin: 4rem auto; padding: 0 1rem; }
          h1 { font-size: 1.4rem; }
          button { font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: 4px; background: #1f5fbf; color: #fff; cursor: pointer; }
        </style>
        </head>
        <body>
        <main>
        {{body}}
        </main>
        </body>
        </html>
        """, "text/html; charset=utf-8", statusCode: status);
}
