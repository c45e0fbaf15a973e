using Sequences.Core.Common;

namespace Sequences.Core.Leads;

public sealed class Lead : TenantEntity
{
    public required string Email { get; set; }
    public string? Name { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public string? Title { get; set; }
    /// <summary>IANA zone; the first choice for the lead's local time.</summary>
    public string? Timezone { get; set; }
    /// <summary>ISO 3166 country code.</summary>
    public string? Country { get; set; }
    public string Status { get; set; } = "new";
    public List<string> Tags { get; set; } = [];
    public Dictionary<string, string> Custom { get; set; } = [];
    public DateTime? UnsubscribedAt { get; set; }
    public DateTime? BouncedAt { get; set; }
}
