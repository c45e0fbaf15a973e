using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sequences.Infrastructure.Persistence;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Persistence;

/// <summary>PostgreSQL row-level security is a second wall behind the EF filter: even a query that
/// skips the filter, run as the app's (non-owner) role, sees only the connection's tenant.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RowLevelSecurityTests(PostgresApp app) : ApiTestBase(app), IClassFixture<PostgresApp>
{
    [Fact]
    public async Task A_query_without_the_ef_filter_still_sees_only_its_tenant()
    {
        await CreateSequenceAsync(A, "A one", Email());
        await CreateSequenceAsync(A, "A two", Email());
        await CreateSequenceAsync(B, "B one", Email());

        var (countA, tenantA) = await app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return (await db.Sequences.IgnoreQueryFilters().CountAsync(), db.CurrentTenantId);
        });
        var countB = await app.AsTenantAsync(SequencesApp.AdminB, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return await db.Sequences.IgnoreQueryFilters().CountAsync();
        });

        countA.Should().Be(2);
        countB.Should().Be(1);
        (await CountAsAppRoleAsync("SELECT count(*) FROM sequences", tenant: null)).Should().Be(0, "no tenant set means no rows");
        (await CountAsAppRoleAsync("SELECT count(*) FROM sequences", tenantA)).Should().Be(2);
        (await CountAsAppRoleAsync("SELECT count(*) FROM sequence_steps", tenantA)).Should().Be(2);
    }

    [Fact]
    public async Task The_app_role_cannot_write_rows_of_another_tenant()
    {
        var tenantA = await app.AsTenantAsync(SequencesApp.AdminA, sp => Task.FromResult(sp.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value));
        var tenantB = await app.AsTenantAsync(SequencesApp.AdminB, sp => Task.FromResult(sp.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value));

        var act = () => CountAsAppRoleAsync(
            $"INSERT INTO leads (id, tenant_id, email, status, tags, custom, created_at, updated_at) VALUES (gen_random_uuid(), '{tenantB}', 'x@example.com', 'new', '[]', '{{}}', now(), now()) RETURNING 1",
            tenantA);

        (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("42501", "row-level security rejects the row");
    }

    [Fact]
    public async Task Tables_are_owned_by_another_role_and_force_row_level_security()
    {
        await using var connection = new NpgsqlConnection(app.PgServer.ConnectionString(app.Database, PostgresServer.AppRole));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity FROM pg_class c WHERE c.relname = ANY(@tables) AND c.relkind = 'r'",
            connection);
        command.Parameters.AddWithValue("tables", RowLevelSecurity.TenantTables);
        var rows = new List<(string Table, string Owner, bool Enabled, bool Forced)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));

        rows.Select(r => r.Table).Should().BeEquivalentTo(RowLevelSecurity.TenantTables);
        rows.Should().OnlyContain(r => r.Owner == PostgresServer.OwnerRole && r.Enabled && r.Forced);
    }

    private async Task<long> CountAsAppRoleAsync(string sql, Guid? tenant)
    {
        await using var connection = new NpgsqlConnection(app.PgServer.ConnectionString(app.Database, PostgresServer.AppRole));
        await connection.OpenAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.tenant_id', @t, false)", connection))
        {
            set.Parameters.AddWithValue("t", tenant?.ToString() ?? "");
            await set.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
