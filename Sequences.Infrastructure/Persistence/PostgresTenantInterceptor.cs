using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Sequences.Infrastructure.Persistence;

/// <summary>Row-level security's half of tenant scoping: every connection EF opens (new or taken
/// from the pool) gets the current tenant, so a reused connection never keeps another tenant's.</summary>
public sealed class PostgresTenantInterceptor : DbConnectionInterceptor
{
    public const string TenantSetting = "app.tenant_id";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreateCommand(connection, eventData);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection, eventData);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlCommand CreateCommand(DbConnection connection, ConnectionEndEventData eventData)
    {
        var context = (eventData.Context as SequencesDbContext)?.Tenant;
        var command = (NpgsqlCommand)connection.CreateCommand();
        command.CommandText = $"SELECT set_config('{TenantSetting}', @tenant, false), set_config('{RowLevelSecurity.BypassSetting}', @all, false)";
        command.Parameters.AddWithValue("tenant", context?.TenantId?.ToString() ?? "");
        command.Parameters.AddWithValue("all", context is Tenants.TenantContext { AllTenants: true } ? "on" : "off");
        return command;
    }
}
