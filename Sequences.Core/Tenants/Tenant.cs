using Sequences.Core.Common;

namespace Sequences.Core.Tenants;

public sealed class Tenant
{
    public Guid Id { get; set; } = RowIds.New();
    public required string Name { get; set; }
    /// <summary>IANA zone used when neither the lead nor the sequence names one.</summary>
    public string? DefaultTimezone { get; set; }
    /// <summary>Secret for signing webhook action bodies.</summary>
    public string WebhookSecret { get; set; } = NewWebhookSecret();
    public DateTime CreatedAt { get; set; }

    public static string NewWebhookSecret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
