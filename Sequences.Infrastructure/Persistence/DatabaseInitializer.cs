using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Persistence;

/// <summary>Applies the provider's migrations at start and prepares the database for several writers.</summary>
public sealed class DatabaseInitializer(
    IConfiguration configuration,
    IOptions<DatabaseOptions> options,
    IDbContextFactory<SequencesDbContext> contexts,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (!options.Value.MigrateOnStartup) return;
        if (options.Value.IsPostgres)
            await MigratePostgresAsync(ct);
        else
            await MigrateSqliteAsync(ct);
    }

    private async Task MigrateSqliteAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        // WAL lets readers (pages, API) run while the queue pass writes.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        logger.LogInformation("SQLite database ready at {DataSource}", new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
    }

    private async Task MigratePostgresAsync(CancellationToken ct)
    {
        var appConnection = configuration.GetConnectionString(DatabaseOptions.ConnectionName)
                            ?? throw new InvalidOperationException("ConnectionStrings:Sequences is required for PostgreSQL.");
        var ownerConnection = configuration.GetConnectionString(DatabaseOptions.MigrationsConnectionName) ?? appConnection;
        var builder = new DbContextOptionsBuilder<PostgresSequencesDbContext>();
        DependencyInjection.ConfigurePostgres(builder, ownerConnection);
        await using (var db = new PostgresSequencesDbContext(builder.Options, new TenantContext()))
            await db.Database.MigrateAsync(ct);

        var appRole = new NpgsqlConnectionStringBuilder(appConnection).Username;
        var owner = new NpgsqlConnectionStringBuilder(ownerConnection).Username;
        if (appRole is null || appRole == owner)
        {
            logger.LogWarning("The app connects to PostgreSQL as the tables' owner; row-level security still applies (FORCE), but a separate non-owner role is safer");
            return;
        }
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync(ct);
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(appRole);
        await using var grant = new NpgsqlCommand(
            $"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
            connection);
        await grant.ExecuteNonQueryAsync(ct);
        logger.LogInformation("PostgreSQL migrated as {Owner}; the app runs as {AppRole} under row-level security", owner, appRole);
    }
}
