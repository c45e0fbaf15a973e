using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Engine;

/// <summary>The app's own address, learned at start, for links when <c>Tracking:BaseUrl</c> is not set.</summary>
public sealed class PublicBaseUrl
{
    public string? Fallback { get; set; }

    /// <summary>The learned address, or the development default before the host has started.</summary>
    public string Value => Fallback ?? "http://localhost:5080";
}

/// <summary>The two ways a message offers to unsubscribe: the one-click URL, and a mailto when one is configured.</summary>
public sealed record UnsubscribeLinks(string Url, string? Mailto);

/// <summary>Signed links the engine puts into a message (unsubscribe now; pixel and clicks with tracking).</summary>
public sealed class TrackingLinks(TrackingTokens tokens, TrackingUrls urls, PublicBaseUrl baseUrl, IOptions<MailOptions> mail)
{
    public UnsubscribeLinks Unsubscribe(Guid tenantId, Guid messageId, Guid leadId)
    {
        var token = tokens.Create(new TrackingPayload(TrackingKind.Unsubscribe, tenantId, messageId, leadId));
        var address = mail.Value.UnsubscribeMailto?.Trim();
        return new UnsubscribeLinks(urls.Unsubscribe(token, baseUrl.Value),
            string.IsNullOrEmpty(address) ? null : $"mailto:{address}?subject={Uri.EscapeDataString(UnsubscribeSubject.For(token))}");
    }
}
