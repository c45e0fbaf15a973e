using Ganss.Xss;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// HTML of an email as the app shows it (outbox, template and step previews). Template authors and, through Liquid,
/// lead fields (imported from anywhere) write this HTML: before it reaches a page it loses scripts, event handlers,
/// forms, frames and javascript: URLs, and keeps what email layout uses (tables, inline and &lt;style&gt; CSS, images).
/// The preview iframes are also sandboxed; this is the second wall, and the one that holds if a page ever shows it inline.
/// </summary>
public static class DisplayHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create(stripTracking: false);
    private static readonly HtmlSanitizer SentSanitizer = Create(stripTracking: true);

    public static string? Sanitize(string? html) => string.IsNullOrEmpty(html) ? html : Sanitizer.Sanitize(html);

    /// <summary>A sent email as the outbox shows it: as <see cref="Sanitize"/>, and without its open pixel and tracked
    /// links, so that looking at it in the app is neither an open nor a click of the lead's.</summary>
    public static string? SanitizeSent(string? html) => string.IsNullOrEmpty(html) ? html : SentSanitizer.Sanitize(html);

    private static HtmlSanitizer Create(bool stripTracking)
    {
        var sanitizer = new HtmlSanitizer();
        if (stripTracking) sanitizer.PostProcessNode += (_, e) => StripTracking(e.Node);
        // A preview is looked at, never submitted: no form controls (a phishing form in a preview stays harmless).
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend" })
            sanitizer.AllowedTags.Remove(tag);
        sanitizer.AllowedTags.Add("style");
        sanitizer.AllowedTags.Add("center");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("data");
        foreach (var attribute in new[] { "bgcolor", "cellpadding", "cellspacing", "valign", "align", "width", "height", "border" })
            sanitizer.AllowedAttributes.Add(attribute);
        return sanitizer;
    }

    private static void StripTracking(AngleSharp.Dom.INode node)
    {
        if (node is not AngleSharp.Dom.IElement element) return;
        if (element.LocalName == "img" && Tracks(element.GetAttribute("src"), TrackingUrls.OpenPath)) element.RemoveAttribute("src");
        if (element.LocalName == "a" && Tracks(element.GetAttribute("href"), TrackingUrls.ClickPath)) element.RemoveAttribute("href");
    }

    // Any host: the public address may have changed since the mail went out.
    private static bool Tracks(string? url, string path) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath.StartsWith("/" + path, StringComparison.Ordinal);
}
