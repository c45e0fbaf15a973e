using Sequences.Core.Common;

namespace Sequences.Core.Campaigns;

public sealed class Campaign : TenantEntity
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string Status { get; set; } = "active";
}

public sealed class CampaignLead : ITenantOwned
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid LeadId { get; set; }
    public DateTime AddedAt { get; set; }
}

/// <summary>A sequence assigned to a campaign: its leads (optionally filtered) enter the sequence.</summary>
public sealed class CampaignSequence : TenantEntity
{
    public Guid CampaignId { get; set; }
    public Guid SequenceId { get; set; }
    public bool EnrollExisting { get; set; }
    public List<LeadCriterion>? Criteria { get; set; }
    /// <summary>Set when the assignment is removed: future leads stop entering, enrolled ones go on.</summary>
    public DateTime? RemovedAt { get; set; }
}
