using Sequences.Core.Tenants;

namespace Sequences.Infrastructure.Tenants;

/// <summary>Scoped: set once per request (API) or circuit (UI) from the signed-in principal.</summary>
public sealed class TenantContext : ITenantContext
{
    public Guid? TenantId { get; private set; }
    public Guid? UserId { get; private set; }

    public void Set(Guid? tenantId, Guid? userId)
    {
        TenantId = tenantId;
        UserId = userId;
    }

    public Guid RequireTenant() => TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");
}
