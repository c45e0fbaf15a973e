using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

public sealed class Sequence : TenantEntity
{
    /// <summary>The owner: the user who created it (or the API key's user).</summary>
    public Guid? UserId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public SequenceStatus Status { get; set; } = SequenceStatus.Draft;
    public int StepsCount { get; set; }
    public SequenceSettings Settings { get; set; } = new();
    /// <summary>The live version; versioned editing comes later, so it is 1 for now.</summary>
    public int Version { get; set; } = 1;
    public List<SequenceStep> Steps { get; set; } = [];
}
