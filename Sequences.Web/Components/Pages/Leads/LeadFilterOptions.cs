using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Web.Components.Pages.Leads;

public sealed record NamedId(Guid Id, string Name);

/// <summary>A sequence that takes new leads; a draft's leads wait for its start.</summary>
public sealed record OpenSequence(Guid Id, string Name, bool Draft)
{
    public string Label => Draft ? $"{Name} (draft)" : Name;
}

/// <summary>What the leads page's filters and bulk bar offer: the tenant's statuses, tags, campaigns and sequences, and
/// the sequences that take new leads (all but the archived).</summary>
public sealed record LeadFilterOptions(IReadOnlyList<string> Statuses, IReadOnlyList<string> Tags, IReadOnlyList<NamedId> Campaigns, IReadOnlyList<NamedId> Sequences,
    IReadOnlyList<OpenSequence> OpenSequences)
{
    private const int MaxListed = PageRequest.MaxPageSize;

    public static LeadFilterOptions Empty { get; } = new([], [], [], [], []);

    public static async Task<LeadFilterOptions> LoadAsync(LeadQueryService leads, CampaignService campaigns, SequenceService sequences, CancellationToken ct = default)
    {
        var statuses = await leads.StatusesAsync(ct);
        var tags = await leads.TagsAsync(ct);
        var campaignPage = await campaigns.ListAsync(new PageRequest(1, MaxListed), ct);
        var sequencePage = await sequences.ListAsync(new PageRequest(1, MaxListed), ct: ct);
        return new LeadFilterOptions(statuses, tags,
            campaignPage.Items.Select(c => new NamedId(c.Campaign.Id, c.Campaign.Name)).OrderBy(c => c.Name).ToList(),
            sequencePage.Items.Select(s => new NamedId(s.Id, s.Name)).OrderBy(s => s.Name).ToList(),
            sequencePage.Items.Where(s => s.Status != SequenceStatus.Archived)
                .Select(s => new OpenSequence(s.Id, s.Name, s.Status == SequenceStatus.Draft)).OrderBy(s => s.Name).ToList());
    }
}
