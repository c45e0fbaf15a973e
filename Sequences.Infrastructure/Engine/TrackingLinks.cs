using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Engine;

/// <summary>The app's own address, learned at start, for links when <c>Tracking:BaseUrl</c> is not set.</summary>
public sealed class PublicBaseUrl
{
    public string? Fallback { get; set; }

    /// <summary>The learned address, or the development default before the host has started.</summary>
    public string Value => Fallback ?? "http://localhost:5080";
}

/// <summary>Signed links the engine puts into a message (unsubscribe now; pixel and clicks with tracking).</summary>
public sealed class TrackingLinks(TrackingTokens tokens, TrackingUrls urls, PublicBaseUrl baseUrl)
{
    public string UnsubscribeUrl(Guid tenantId, Guid messageId, Guid leadId) =>
        urls.Unsubscribe(tokens.Create(new TrackingPayload(TrackingKind.Unsubscribe, tenantId, messageId, leadId)), baseUrl.Value);
}
