namespace Sequences.Core.Campaigns;

public sealed record CampaignInput(string? Name, string? Description, Guid? SequenceId);
