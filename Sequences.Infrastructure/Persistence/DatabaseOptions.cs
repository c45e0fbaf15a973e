namespace Sequences.Infrastructure.Persistence;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionName = "Sequences";
    /// <summary>Optional owner connection for migrations; the app itself connects as a role that does not own the tables.</summary>
    public const string MigrationsConnectionName = "SequencesMigrations";

    public string Provider { get; set; } = "sqlite";
    public bool MigrateOnStartup { get; set; } = true;

    public bool IsPostgres => Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase)
                              || Provider.Equals("postgresql", StringComparison.OrdinalIgnoreCase);
}
