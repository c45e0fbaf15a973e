using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sequences.Core.Mail;
using Sequences.Core.Templates;
using Sequences.Core.Tracking;

namespace Sequences.Infrastructure.Persistence.Configurations;

public sealed class OutboundMessageConfiguration : IEntityTypeConfiguration<OutboundMessage>
{
    public void Configure(EntityTypeBuilder<OutboundMessage> b)
    {
        b.ToTable("outbound_messages");
        b.Property(m => m.IdempotencyKey).HasMaxLength(100);
        b.Property(m => m.MessageId).HasMaxLength(200);
        b.Property(m => m.Variant).HasMaxLength(20);
        b.Property(m => m.ToAddress).HasMaxLength(254);
        b.Property(m => m.FromAddress).HasMaxLength(254);
        b.Property(m => m.Subject).HasMaxLength(998);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.Property(m => m.LeaseOwner).HasMaxLength(100);
        b.Property(m => m.Links).HasJsonConversion();
        b.HasIndex(m => m.IdempotencyKey).IsUnique();
        b.HasIndex(m => m.MessageId);
        b.HasIndex(m => new { m.TenantId, m.Status, m.CreatedAt });
        b.HasIndex(m => m.LeadId);
    }
}

public sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> b)
    {
        b.ToTable("mailboxes");
        b.Property(m => m.FromAddress).HasMaxLength(254);
        b.Property(m => m.ImapLastError).HasMaxLength(2000);
        b.HasIndex(m => new { m.TenantId, m.UserId });
    }
}

public sealed class EngagementEventConfiguration : IEntityTypeConfiguration<EngagementEvent>
{
    public void Configure(EntityTypeBuilder<EngagementEvent> b)
    {
        b.ToTable("engagement_events");
        b.Property(e => e.Metadata).HasJsonConversion();
        b.HasIndex(e => new { e.TenantId, e.LeadId, e.OccurredAt });
        b.HasIndex(e => new { e.MessageId, e.Type });
        b.HasIndex(e => new { e.SequenceId, e.StepId, e.Type });
    }
}

public sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> b)
    {
        b.ToTable("suppressions");
        b.Property(s => s.Email).HasMaxLength(254);
        b.Property(s => s.Reason).HasMaxLength(32);
        b.HasIndex(s => new { s.TenantId, s.Email }).IsUnique();
    }
}

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Message).HasMaxLength(2000);
        b.HasIndex(n => new { n.TenantId, n.UserId, n.CreatedAt });
    }
}

public sealed class EmailTemplateConfiguration : IEntityTypeConfiguration<EmailTemplate>
{
    public void Configure(EntityTypeBuilder<EmailTemplate> b)
    {
        b.ToTable("email_templates");
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Category).HasMaxLength(100);
        b.Property(t => t.SubjectLine).HasMaxLength(998);
        b.HasIndex(t => new { t.TenantId, t.Name });
    }
}
