using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Web.Tracking;

/// <summary>
/// The public endpoints behind the links in sent mail: open pixel, click redirect, unsubscribe page and RFC 8058
/// one-click. No login and no antiforgery: the signed token is the only credential, and anything but an intact
/// token of the right kind for a message of its tenant answers 404 (never a redirect).
/// </summary>
public static class TrackingEndpoints
{
    // The smallest common transparent 1x1 GIF (42 bytes).
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().DisableAntiforgery().WithTags("Tracking")
            .AddEndpointFilter(async (context, next) =>
            {
                SetHeaders(context.HttpContext.Response.Headers);
                return await next(context);
            });
        group.MapGet("/t/o/{token}", OpenAsync).WithSummary("Open pixel");
        group.MapGet("/t/c/{token}", ClickAsync).WithSummary("Click redirect, only to a link that was in the email");
        group.MapGet("/u/{token}", UnsubscribePageAsync).WithSummary("Unsubscribe confirmation page");
        group.MapPost("/u/{token}", UnsubscribeAsync).WithSummary("Unsubscribe (RFC 8058 one-click, and the page's form)");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ContentHttpResult>> OpenAsync(string token, [AsParameters] TrackedMessages messages, CancellationToken ct)
    {
        if (await messages.FindAsync(token, TrackingKind.Open, ct) is not { } found) return TrackingPages.NotFound();
        await messages.RecordAsync(found, EngagementType.Opened, null, ct);
        return TypedResults.File(Pixel, "image/gif");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> ClickAsync(string token, [AsParameters] TrackedMessages messages, CancellationToken ct)
    {
        if (await messages.FindAsync(token, TrackingKind.Click, ct) is not { } found) return TrackingPages.NotFound();
        // Only to a link stored when the email was sent: the token carries an index, never a URL.
        var index = found.Payload.LinkIndex;
        if (index >= found.Message.Links.Count || RedirectTarget(found.Message.Links[index]) is not { } target) return TrackingPages.NotFound();
        await messages.RecordAsync(found, EngagementType.Clicked, new Dictionary<string, string> { ["url"] = found.Message.Links[index], ["link_index"] = index.ToString() }, ct);
        return TypedResults.Redirect(target);
    }

    private static async Task<ContentHttpResult> UnsubscribePageAsync(string token, [AsParameters] TrackedMessages messages, CancellationToken ct)
    {
        // Showing the page changes nothing: link scanners and previews fetch it too.
        if (await messages.FindAsync(token, TrackingKind.Unsubscribe, ct) is not { } found) return TrackingPages.NotFound();
        if (await messages.RecipientAsync(found, ct) is not { } recipient) return TrackingPages.NotFound();
        return recipient.Unsubscribed
            ? TrackingPages.Unsubscribed(recipient.Email, recipient.TenantName)
            : TrackingPages.ConfirmUnsubscribe(recipient.Email, recipient.TenantName);
    }

    private static async Task<ContentHttpResult> UnsubscribeAsync(string token, [AsParameters] TrackedMessages messages, CancellationToken ct)
    {
        // The body (List-Unsubscribe=One-Click, form-encoded or multipart) is not read: the signed token is the
        // consent, and the page's form posts the same thing. Repeating it only adds an event: the recorder stops
        // the enrollments and suppresses the address once.
        if (await messages.FindAsync(token, TrackingKind.Unsubscribe, ct) is not { } found) return TrackingPages.NotFound();
        if (await messages.RecipientAsync(found, ct) is not { } recipient) return TrackingPages.NotFound();
        await messages.RecordAsync(found, EngagementType.Unsubscribed, null, ct);
        return TrackingPages.Unsubscribed(recipient.Email, recipient.TenantName);
    }

    /// <summary>Every load must reach us (a cached pixel or redirect is an open or click we never see); the pages
    /// load nothing and cannot be framed.</summary>
    private static void SetHeaders(IHeaderDictionary headers)
    {
        headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        headers.Pragma = "no-cache";
        headers.Expires = "0";
        headers.ContentSecurityPolicy = TrackingPages.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>The stored link in ASCII, as a Location header must be (IDN host in punycode, the rest
    /// percent-encoded); null when it is not an http(s) URL, which the tracker never stores.</summary>
    private static string? RedirectTarget(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)) return null;
        return new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri;
    }
}

internal sealed record TrackedMessage(TrackingPayload Payload, OutboundMessage Message);

/// <param name="Unsubscribed">The lead has unsubscribed already (the page says so rather than asking again).</param>
internal sealed record Recipient(string Email, string TenantName, bool Unsubscribed);

/// <summary>The token check, the message it names, and the recorder: what every tracking endpoint needs.</summary>
internal sealed record TrackedMessages(
    [FromServices] TrackingTokens Tokens,
    [FromServices] TenantContext Tenant,
    [FromServices] IDbContextFactory<SequencesDbContext> Contexts,
    [FromServices] EngagementRecorder Recorder)
{
    /// <summary>The message an intact token of <paramref name="kind"/> names, in the token's tenant; else null.</summary>
    public async Task<TrackedMessage?> FindAsync(string token, TrackingKind kind, CancellationToken ct)
    {
        if (!Tokens.TryRead(token, kind, out var payload)) return null;
        // The request is anonymous and the signed token names its tenant: scoping the request to it also lets
        // PostgreSQL's row-level security through, for these lookups and the recorder's.
        Tenant.Set(payload.TenantId, null);
        await using var db = await Contexts.CreateDbContextAsync(ct);
        var message = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == payload.OutboundMessageId && m.TenantId == payload.TenantId && m.LeadId == payload.LeadId, ct);
        return message is null ? null : new TrackedMessage(payload, message);
    }

    public async Task<Recipient?> RecipientAsync(TrackedMessage found, CancellationToken ct)
    {
        await using var db = await Contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.IgnoreQueryFilters().Where(l => l.Id == found.Message.LeadId && l.TenantId == found.Message.TenantId)
            .Select(l => new { l.Email, l.UnsubscribedAt }).FirstOrDefaultAsync(ct);
        var tenantName = await db.Tenants.Where(t => t.Id == found.Message.TenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        return lead is null || tenantName is null ? null : new Recipient(lead.Email, tenantName, lead.UnsubscribedAt is not null);
    }

    public Task RecordAsync(TrackedMessage found, EngagementType type, Dictionary<string, string>? metadata, CancellationToken ct) =>
        Recorder.RecordAsync(new EngagementInput(found.Message.TenantId, found.Message.LeadId, type, found.Message.Id, Metadata: metadata), ct);
}
