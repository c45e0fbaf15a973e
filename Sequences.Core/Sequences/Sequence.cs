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
    /// <summary>The live version: new enrollments start on it.</summary>
    public int Version { get; set; } = 1;
    /// <summary>The version being edited while an earlier one runs (null: none). Publishing makes it live.</summary>
    public int? DraftVersion { get; set; }
    /// <summary>Where edits go: the draft if there is one, else the live version.</summary>
    public int LatestVersion => DraftVersion ?? Version;
    public List<SequenceStep> Steps { get; set; } = [];
}
