using System.Net;
using System.Text;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;

namespace Sequences.Infrastructure.Tracking;

/// <summary>Who a message is for, and what its sequence lets us track (<c>settings.track_opens</c> / <c>track_clicks</c>).</summary>
public sealed record MessageTracking(Guid TenantId, Guid MessageId, Guid LeadId, bool TrackOpens, bool TrackClicks);

/// <param name="Links">The original URLs of the rewritten links, in order: a click token's link index points here.</param>
public sealed record TrackedHtml(string Html, List<string> Links);

/// <param name="Links">What <see cref="Core.Mail.OutboundMessage.Links"/> must hold for the clicks on this email.</param>
public sealed record TrackedEmail(OutgoingEmail Email, List<string> Links);

/// <summary>
/// Adds the open pixel and rewrites links to signed click redirects. Only the rewritten <c>&lt;a&gt;</c> start tags
/// and the pixel change: everything else keeps the author's exact markup, because email clients (Outlook's Word
/// engine above all) render a reformatted document differently. The tags are found as a browser's tokenizer finds
/// them (<see cref="HtmlTagScanner"/>), so links inside comments, conditional comments, <c>&lt;style&gt;</c>,
/// <c>&lt;script&gt;</c> or <c>&lt;textarea&gt;</c> are left alone exactly as a browser would ignore them.
/// </summary>
public sealed class MessageTracker(TrackingTokens tokens, TrackingUrls urls, PublicBaseUrl baseUrl)
{
    /// <summary>The attribute that keeps a link out of click tracking.</summary>
    public const string NoTrackAttribute = "data-notrack";

    /// <summary>Tracks the html of a composed email; the text alternative keeps the original links (see remarks).</summary>
    /// <remarks>
    /// A text part derived from the tracked html would show 150-character redirect URLs to plain-text readers;
    /// it is derived from the untracked html instead, so those links stay readable (and untracked).
    /// </remarks>
    public TrackedEmail Track(OutgoingEmail email, MessageTracking tracking)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(tracking);
        if (string.IsNullOrEmpty(email.Html) || (!tracking.TrackOpens && !tracking.TrackClicks)) return new TrackedEmail(email, []);
        var tracked = TrackHtml(email.Html, tracking, email.UnsubscribeUrl);
        return new TrackedEmail(email with { Html = tracked.Html, Text = email.Text ?? HtmlToText.Convert(email.Html) }, tracked.Links);
    }

    public TrackedHtml TrackHtml(string html, MessageTracking tracking, string? unsubscribeUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(tracking);
        var scan = Scan(html);
        var edits = new List<Edit>();
        var links = new List<string>();

        if (tracking.TrackClicks)
        {
            foreach (var anchor in scan.Anchors)
            {
                if (TrackableUrl(anchor, unsubscribeUrl) is not { } url) continue;
                var token = tokens.Create(new TrackingPayload(TrackingKind.Click, tracking.TenantId, tracking.MessageId, tracking.LeadId, links.Count));
                edits.Add(new Edit(anchor.Start, anchor.End, StartTag(anchor, urls.Click(token, Fallback))));
                links.Add(url);
            }
        }

        if (tracking.TrackOpens)
        {
            var token = tokens.Create(new TrackingPayload(TrackingKind.Open, tracking.TenantId, tracking.MessageId, tracking.LeadId));
            var at = scan.BodyEnd ?? scan.HtmlEnd ?? html.Length;
            edits.Add(new Edit(at, at, $"<img src=\"{urls.Open(token, Fallback)}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">"));
        }

        return new TrackedHtml(Apply(html, edits), links);
    }

    // Same default as TrackingLinks, so pixel, clicks and unsubscribe of one message share a base.
    private string Fallback => baseUrl.Value;

    /// <summary>The decoded href when the link is an absolute http(s) URL that may be tracked; else null.</summary>
    private static string? TrackableUrl(ScannedTag anchor, string? unsubscribeUrl)
    {
        if (anchor.Attributes.Any(a => a.Name == NoTrackAttribute)) return null;
        // The scanner has decoded entities (&amp;) and dropped duplicate attributes: this is the URL a browser follows.
        var href = anchor.Attributes.Where(a => a.Name == "href").Select(a => a.Value.Trim(' ', '\t', '\n', '\f', '\r')).FirstOrDefault();
        if (string.IsNullOrEmpty(href) || !Uri.TryCreate(href, UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        // The unsubscribe link must work straight away and is no click.
        return href == unsubscribeUrl ? null : href;
    }

    /// <summary>The anchor's start tag again, with the click URL as its href.</summary>
    private static string StartTag(ScannedTag anchor, string href)
    {
        var result = new StringBuilder("<a");
        foreach (var (name, value) in anchor.Attributes)
            result.Append(' ').Append(name).Append("=\"").Append(WebUtility.HtmlEncode(name == "href" ? href : value)).Append('"');
        return result.Append(anchor.SelfClosing ? " />" : ">").ToString();
    }

    private static string Apply(string html, List<Edit> edits)
    {
        if (edits.Count == 0) return html;
        var result = new StringBuilder(html.Length + edits.Count * 160);
        var at = 0;
        foreach (var edit in edits.OrderBy(e => e.Start))
        {
            result.Append(html, at, edit.Start - at).Append(edit.Text);
            at = edit.End;
        }
        return result.Append(html, at, html.Length - at).ToString();
    }

    private static readonly string[] ScannedNames = ["a", "body", "html"];

    private static Scanned Scan(string html)
    {
        var anchors = new List<ScannedTag>();
        int? bodyEnd = null, htmlEnd = null;
        HtmlTagScanner.Scan(html, ScannedNames, tag =>
        {
            if (!tag.IsEndTag)
            {
                if (tag.Name == "a") anchors.Add(tag);
            }
            else if (tag.Name == "body") bodyEnd = tag.Start;
            else if (tag.Name == "html") htmlEnd = tag.Start;
        });
        return new Scanned(anchors, bodyEnd, htmlEnd);
    }

    /// <param name="BodyEnd">Where the last <c>&lt;/body&gt;</c> starts: the pixel goes there, inside the body.</param>
    private sealed record Scanned(List<ScannedTag> Anchors, int? BodyEnd, int? HtmlEnd);

    private sealed record Edit(int Start, int End, string Text);
}
