using Ganss.Xss;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// HTML of an email as the app shows it (outbox, template and step previews). Template authors and, through Liquid,
/// lead fields (imported from anywhere) write this HTML: before it reaches a page it loses scripts, event handlers,
/// forms, frames and javascript: URLs, and keeps what email layout uses (tables, inline and &lt;style&gt; CSS, images).
/// The preview iframes are also sandboxed; this is the second wall, and the one that holds if a page ever shows it inline.
/// </summary>
public static class DisplayHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string? Sanitize(string? html) => string.IsNullOrEmpty(html) ? html : Sanitizer.Sanitize(html);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
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
}
