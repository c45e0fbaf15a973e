using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sequences.Core.Leads;
using Sequences.Core.Tenants;

namespace Sequences.Infrastructure.Persistence.Configurations;

public sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> b)
    {
        b.ToTable("leads");
        b.Property(l => l.Email).HasMaxLength(254);
        foreach (var name in new[] { nameof(Lead.Name), nameof(Lead.FirstName), nameof(Lead.LastName), nameof(Lead.Company), nameof(Lead.Title), nameof(Lead.Status) })
            b.Property(name).HasMaxLength(200);
        b.Property(l => l.Timezone).HasMaxLength(64);
        b.Property(l => l.Country).HasMaxLength(2);
        b.Property(l => l.Tags).HasJsonConversion();
        b.Property(l => l.Custom).HasJsonConversion();
        b.HasIndex(l => new { l.TenantId, l.Email }).IsUnique();
        b.HasIndex(l => new { l.TenantId, l.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(l => l.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
