namespace Sequences.Infrastructure.Tracking;

/// <summary>The "Tracking" configuration section.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>Absolute base of pixel, click and unsubscribe links; empty means "the app's own URL", supplied by the caller.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>HMAC key for tracking tokens; empty means the key generated once and stored in the database.</summary>
    public string? SigningKey { get; set; }
}
