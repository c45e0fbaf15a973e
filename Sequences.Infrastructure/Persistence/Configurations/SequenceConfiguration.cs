using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;

namespace Sequences.Infrastructure.Persistence.Configurations;

public sealed class SequenceConfiguration : IEntityTypeConfiguration<Sequence>
{
    public void Configure(EntityTypeBuilder<Sequence> b)
    {
        b.ToTable("sequences");
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Description).HasMaxLength(4000);
        b.Property(s => s.Settings).HasJsonConversion();
        b.Property(s => s.Version).HasDefaultValue(1);
        b.Ignore(s => s.LatestVersion);
        b.HasIndex(s => new { s.TenantId, s.Status });
        b.HasIndex(s => new { s.TenantId, s.CreatedAt });
        b.HasMany(s => s.Steps).WithOne().HasForeignKey(s => s.SequenceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SequenceStepConfiguration : IEntityTypeConfiguration<SequenceStep>
{
    public void Configure(EntityTypeBuilder<SequenceStep> b)
    {
        b.ToTable("sequence_steps");
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.SubjectLine).HasMaxLength(998);
        b.Property(s => s.SendTime).HasMaxLength(5);
        b.Property(s => s.Variant).HasMaxLength(20);
        b.Property(s => s.Version).HasDefaultValue(1);
        b.Property(s => s.ConditionValue).HasJsonConversion();
        b.Property(s => s.ActionConfig).HasJsonConversion();
        b.Property(s => s.AutoWinner).HasJsonConversion();
        b.Property(s => s.Winner).HasJsonConversion();
        b.HasIndex(s => new { s.SequenceId, s.Version, s.StepOrder }).IsUnique();
        b.HasIndex(s => s.TenantId);
        b.HasMany(s => s.Variants).WithOne().HasForeignKey(v => v.StepId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SequenceVersionConfiguration : IEntityTypeConfiguration<SequenceVersion>
{
    public void Configure(EntityTypeBuilder<SequenceVersion> b)
    {
        b.ToTable("sequence_versions");
        b.HasIndex(v => new { v.SequenceId, v.Version }).IsUnique();
        b.HasIndex(v => v.TenantId);
        b.HasOne<Sequence>().WithMany().HasForeignKey(v => v.SequenceId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SequenceStepVariantConfiguration : IEntityTypeConfiguration<SequenceStepVariant>
{
    public void Configure(EntityTypeBuilder<SequenceStepVariant> b)
    {
        b.ToTable("sequence_step_variants");
        b.Property(v => v.Variant).HasMaxLength(20);
        b.Property(v => v.SubjectLine).HasMaxLength(998);
        b.HasIndex(v => new { v.StepId, v.Variant }).IsUnique();
        b.HasIndex(v => v.TenantId);
    }
}
