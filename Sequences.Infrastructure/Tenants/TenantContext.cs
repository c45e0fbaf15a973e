using Sequences.Core.Tenants;

namespace Sequences.Infrastructure.Tenants;

/// <summary>Scoped: set once per request (API) or circuit (UI) from the signed-in principal.</summary>
public sealed class TenantContext : ITenantContext
{
    public Guid? TenantId { get; private set; }
    public Guid? UserId { get; private set; }

    /// <summary>The scheduler's pass over every tenant: queries say IgnoreQueryFilters explicitly, and on
    /// PostgreSQL the connection gets the one narrow RLS bypass.</summary>
    public bool AllTenants { get; private set; }

    public void Set(Guid? tenantId, Guid? userId)
    {
        TenantId = tenantId;
        UserId = userId;
        AllTenants = false;
    }

    public void SetAllTenants()
    {
        TenantId = null;
        UserId = null;
        AllTenants = true;
    }

    public Guid RequireTenant() => TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");
}
