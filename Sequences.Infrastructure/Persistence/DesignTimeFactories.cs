using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Persistence;

/// <summary>Used by <c>dotnet ef migrations add</c> only; one per provider's migration set.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSequencesDbContext>
{
    public SqliteSequencesDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteSequencesDbContext>();
        options.UseSqlite("Data Source=design.db").UseSnakeCaseNamingConvention();
        return new SqliteSequencesDbContext(options.Options, new TenantContext());
    }
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSequencesDbContext>
{
    public PostgresSequencesDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresSequencesDbContext>();
        DependencyInjection.ConfigurePostgres(options, "Host=localhost;Database=design;Username=design");
        return new PostgresSequencesDbContext(options.Options, new TenantContext());
    }
}
