namespace Sequences.Tests.Infrastructure;

// Classes of one provider run one after the other; the two providers run side by side.
[CollectionDefinition(Name)]
public sealed class SqliteCollection
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "postgres";
}
