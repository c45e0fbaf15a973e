using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Campaigns;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tenants;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Settings;

namespace Sequences.Infrastructure.Persistence;

/// <summary>The one DbContext. Each provider has a subclass so that each keeps its own migration set.</summary>
public abstract class SequencesDbContext(DbContextOptions options, ITenantContext tenant)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    /// <summary>Read by the tenant query filter on every query; Guid.Empty matches nothing.</summary>
    public Guid CurrentTenantId => tenant.TenantId ?? Guid.Empty;

    public ITenantContext Tenant => tenant;

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Sequence> Sequences => Set<Sequence>();
    public DbSet<SequenceStep> SequenceSteps => Set<SequenceStep>();
    public DbSet<SequenceStepVariant> SequenceStepVariants => Set<SequenceStepVariant>();
    public DbSet<SequenceVersion> SequenceVersions => Set<SequenceVersion>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignLead> CampaignLeads => Set<CampaignLead>();
    public DbSet<CampaignSequence> CampaignSequences => Set<CampaignSequence>();
    public DbSet<LeadSequenceState> LeadSequenceStates => Set<LeadSequenceState>();
    public DbSet<SequenceExecutionLog> ExecutionLog => Set<SequenceExecutionLog>();
    public DbSet<EmailTemplate> EmailTemplates => Set<EmailTemplate>();
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();
    public DbSet<EngagementEvent> EngagementEvents => Set<EngagementEvent>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<AppSetting> AppSettings => Set<AppSetting>();

    /// <summary>The provider, known from the subclass. EF's <c>Database.IsSqlite()</c> answers the same by reading the
    /// provider assembly's name anew on each call, and the engine asks for every write.</summary>
    public abstract bool IsPostgres { get; }

    public bool IsSqlite => !IsPostgres;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(SequencesDbContext).Assembly);
        IdentityTables.Configure(builder);
        if (IsPostgres) JsonColumns.UseJsonb(builder);
        ApplyTenantFilter(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
        SnakeEnumConverter.Register(builder,
            typeof(SequenceStatus), typeof(StepType), typeof(ConditionType), typeof(ActionType),
            typeof(EnrollmentStatus), typeof(LogResult), typeof(OutboundStatus), typeof(EngagementType));
    }

    /// <summary>The one tenant filter: every tenant-owned entity sees only the current tenant's rows.</summary>
    private void ApplyTenantFilter(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (!typeof(ITenantOwned).IsAssignableFrom(entity.ClrType) || entity.BaseType is not null) continue;
            var row = Expression.Parameter(entity.ClrType, "row");
            var filter = Expression.Lambda(
                Expression.Equal(
                    Expression.Property(row, nameof(ITenantOwned.TenantId)),
                    Expression.Property(Expression.Constant(this), nameof(CurrentTenantId))),
                row);
            entity.SetQueryFilter(filter);
        }
    }
}

public sealed class SqliteSequencesDbContext(DbContextOptions<SqliteSequencesDbContext> options, ITenantContext tenant)
    : SequencesDbContext(options, tenant)
{
    public override bool IsPostgres => false;
}

public sealed class PostgresSequencesDbContext(DbContextOptions<PostgresSequencesDbContext> options, ITenantContext tenant)
    : SequencesDbContext(options, tenant)
{
    public override bool IsPostgres => true;
}
