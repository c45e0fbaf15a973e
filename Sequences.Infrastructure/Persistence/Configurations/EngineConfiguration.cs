using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;

namespace Sequences.Infrastructure.Persistence.Configurations;

public sealed class LeadSequenceStateConfiguration : IEntityTypeConfiguration<LeadSequenceState>
{
    public void Configure(EntityTypeBuilder<LeadSequenceState> b)
    {
        b.ToTable("lead_sequence_state");
        b.Property(s => s.Version).HasDefaultValue(1);
        b.Property(s => s.StoppedReason).HasMaxLength(64);
        // Every write of the queue pass is fenced on its lease: a pass that lost it (expired, re-claimed) writes nothing.
        b.Property(s => s.LeaseOwner).HasMaxLength(100).IsConcurrencyToken();
        b.Property(s => s.Metadata).HasJsonConversion();
        b.HasIndex(s => new { s.LeadId, s.SequenceId }).IsUnique();
        b.HasIndex(s => s.SequenceId);
        b.HasIndex(s => s.NextActionAt).HasFilter("status = 'active'").HasDatabaseName("ix_lead_sequence_state_queue");
        b.HasIndex(s => new { s.TenantId, s.SequenceId, s.Status });
        b.HasOne<Lead>().WithMany().HasForeignKey(s => s.LeadId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Sequence>().WithMany().HasForeignKey(s => s.SequenceId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class SequenceExecutionLogConfiguration : IEntityTypeConfiguration<SequenceExecutionLog>
{
    public void Configure(EntityTypeBuilder<SequenceExecutionLog> b)
    {
        b.ToTable("sequence_execution_log");
        b.Property(l => l.ActionType).HasMaxLength(64);
        b.Property(l => l.ErrorMessage).HasMaxLength(2000);
        b.Property(l => l.Metadata).HasJsonConversion();
        b.HasIndex(l => new { l.TenantId, l.LeadId, l.ExecutedAt });
        b.HasIndex(l => new { l.SequenceId, l.ExecutedAt });
    }
}
