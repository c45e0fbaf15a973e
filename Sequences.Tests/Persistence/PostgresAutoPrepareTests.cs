using Npgsql;
using Sequences.Infrastructure;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Persistence;

public sealed class PostgresAutoPrepareTests
{
    [Fact]
    public async Task Statements_run_again_and_again_are_prepared_on_the_connection()
    {
        var server = await PostgresServer.InstanceAsync();
        var connectionString = DependencyInjection.WithAutoPrepare(server.SuperuserConnection());

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 6; i++)
        {
            await using var repeated = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relkind = @kind", connection);
            repeated.Parameters.AddWithValue("kind", 'r');
            await repeated.ExecuteScalarAsync();
        }

        await using var prepared = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements", connection);
        var statements = new List<string>();
        await using (var reader = await prepared.ExecuteReaderAsync())
            while (await reader.ReadAsync()) statements.Add(reader.GetString(0));
        statements.Should().Contain(s => s.Contains("FROM pg_class"), "PostgreSQL then skips parsing and planning it");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Max Auto Prepare=10", 10)]
    [InlineData("Host=db", 64)]
    public void A_setting_in_the_connection_string_wins(string connectionString, int expected) =>
        new NpgsqlConnectionStringBuilder(DependencyInjection.WithAutoPrepare(connectionString)).MaxAutoPrepare.Should().Be(expected);
}
