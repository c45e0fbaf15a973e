using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sequences.Core;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Mailboxes;
using Sequences.Infrastructure.Observability;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Replies;
using Sequences.Infrastructure.Sequences;
using Sequences.Infrastructure.Settings;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure;

public static class DependencyInjection
{
    public const string DefaultSqlite = "Data Source=data/sequences.db";

    public static IServiceCollection AddSequencesInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connection = configuration.GetConnectionString(DatabaseOptions.ConnectionName);

        services.AddSequencesCore();
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<PostgresTenantInterceptor>();

        if (database.IsPostgres)
            AddContext<PostgresSequencesDbContext>(services, (sp, o) =>
            {
                ConfigurePostgres(o, connection ?? throw new InvalidOperationException("ConnectionStrings:Sequences is required when Database:Provider is postgres."));
                o.AddInterceptors(sp.GetRequiredService<AuditInterceptor>(), sp.GetRequiredService<PostgresTenantInterceptor>());
            });
        else
            AddContext<SqliteSequencesDbContext>(services, (sp, o) =>
            {
                ConfigureSqlite(o, connection ?? DefaultSqlite);
                o.AddInterceptors(sp.GetRequiredService<AuditInterceptor>());
            });

        // Keys in the database: every host of a deployment reads the same cookies and stored mailbox passwords.
        services.AddDataProtection().SetApplicationName("Sequences");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>())));
        services.AddSingleton<MailboxSecrets>();

        services.AddScoped<DatabaseInitializer>();
        services.AddScoped<AppSettingsStore>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<TeamService>();
        services.AddSingleton<PasswordResets>();
        services.AddScoped<BootstrapService>();
        services.AddScoped<SequenceService>();
        services.AddScoped<SequenceVersionService>();
        services.AddScoped<StepService>();
        services.AddScoped<SequencePreviewService>();
        services.AddScoped<LeadService>();
        services.AddScoped<LeadEraser>();
        services.AddScoped<CampaignService>();
        services.AddScoped<Suppressions.SuppressionService>();
        services.AddScoped<Analytics.AnalyticsService>();
        services.AddSequencesMail(configuration);
        services.AddSequencesEngine(configuration);
        services.AddSequencesReplies(configuration);
        services.AddSequencesDashboards();
        services.AddSequencesObservability(configuration);
        return services;
    }

    private static void AddContext<TContext>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TContext : SequencesDbContext
    {
        // Scoped factory: contexts get the scope's tenant; Blazor circuits make one context per operation.
        services.AddDbContextFactory<TContext>(configure, ServiceLifetime.Scoped);
        services.AddScoped<IDbContextFactory<SequencesDbContext>>(sp => new DerivedContextFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<SequencesDbContext>(sp => sp.GetRequiredService<TContext>());
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        options.UseSqlite(builder.ConnectionString).UseSnakeCaseNamingConvention();
    }

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithAutoPrepare(connectionString)).UseSnakeCaseNamingConvention();

    /// <summary>Unless the connection string says otherwise, statements a connection runs again and again (the
    /// queue pass's claim, loads and writes, each chunk) are prepared on it, so PostgreSQL stops parsing and
    /// planning them on every run.</summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0 && !connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    private sealed class DerivedContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<SequencesDbContext>
        where TContext : SequencesDbContext
    {
        public SequencesDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<SequencesDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
