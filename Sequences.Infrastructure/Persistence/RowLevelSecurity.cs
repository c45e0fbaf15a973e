using System.Text;

namespace Sequences.Infrastructure.Persistence;

/// <summary>PostgreSQL policies that scope tenant-owned tables to the connection's tenant, as
/// defence in depth behind the EF query filter. Identity, API keys, tenants and settings stay
/// unscoped: sign-in must find them before a tenant is known.</summary>
public static class RowLevelSecurity
{
    /// <summary>The tables the initial migration protects; a later migration enables RLS on the tables it adds.</summary>
    public static readonly string[] InitialTenantTables =
    [
        "sequences", "sequence_steps", "sequence_step_variants", "leads", "campaigns", "campaign_leads",
        "campaign_sequences", "lead_sequence_state", "sequence_execution_log", "email_templates", "mailboxes",
        "outbound_messages", "engagement_events", "suppressions", "notifications",
    ];

    public static readonly string[] VersionTables = ["sequence_versions"];

    public static readonly string[] TenantTables = [.. InitialTenantTables, .. VersionTables];

    /// <summary>The scheduler's one explicit bypass: a pass over all tenants sets it for its own connection only.</summary>
    public const string BypassSetting = "app.all_tenants";

    public static string EnableSql(IEnumerable<string> tables)
    {
        var sql = new StringBuilder();
        foreach (var table in tables)
        {
            sql.AppendLine($"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;");
            sql.AppendLine($"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;");
            sql.AppendLine($"DROP POLICY IF EXISTS tenant_isolation ON {table};");
            sql.AppendLine($"""
                CREATE POLICY tenant_isolation ON {table}
                  USING (tenant_id = NULLIF(current_setting('{PostgresTenantInterceptor.TenantSetting}', true), '')::uuid
                         OR current_setting('{BypassSetting}', true) = 'on')
                  WITH CHECK (tenant_id = NULLIF(current_setting('{PostgresTenantInterceptor.TenantSetting}', true), '')::uuid
                         OR current_setting('{BypassSetting}', true) = 'on');
                """);
        }
        return sql.ToString();
    }

    public static string DisableSql(IEnumerable<string> tables) =>
        string.Join("\n", tables.Select(t => $"DROP POLICY IF EXISTS tenant_isolation ON {t}; ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY; ALTER TABLE {t} DISABLE ROW LEVEL SECURITY;"));
}
