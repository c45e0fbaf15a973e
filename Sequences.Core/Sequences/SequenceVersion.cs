using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

/// <summary>A publish: the version that went live, when, by whom, and what it did with the leads in flight.
/// Version 1 goes live with the sequence's start and has no row.</summary>
public sealed class SequenceVersion : TenantEntity
{
    public Guid SequenceId { get; set; }
    public int Version { get; set; }
    public DateTime PublishedAt { get; set; }
    public Guid? PublishedBy { get; set; }
    public int LeadsMoved { get; set; }
    public int LeadsDraining { get; set; }
}
