using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sequences.Core.Campaigns;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;

namespace Sequences.Infrastructure.Persistence.Configurations;

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.ToTable("campaigns");
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Description).HasMaxLength(4000);
        b.Property(c => c.Status).HasMaxLength(32);
        b.HasIndex(c => new { c.TenantId, c.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CampaignLeadConfiguration : IEntityTypeConfiguration<CampaignLead>
{
    public void Configure(EntityTypeBuilder<CampaignLead> b)
    {
        b.ToTable("campaign_leads");
        b.HasIndex(c => new { c.CampaignId, c.LeadId }).IsUnique();
        b.HasIndex(c => c.LeadId);
        b.HasIndex(c => c.TenantId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Lead>().WithMany().HasForeignKey(c => c.LeadId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CampaignSequenceConfiguration : IEntityTypeConfiguration<CampaignSequence>
{
    public void Configure(EntityTypeBuilder<CampaignSequence> b)
    {
        b.ToTable("campaign_sequences");
        b.Property(c => c.Criteria).HasJsonConversion();
        b.HasIndex(c => new { c.CampaignId, c.SequenceId });
        b.HasIndex(c => c.TenantId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Sequence>().WithMany().HasForeignKey(c => c.SequenceId).OnDelete(DeleteBehavior.Cascade);
    }
}
