namespace Sequences.Core.Tenants;

/// <summary>Who is asking: the tenant every query is scoped to, and the acting user.</summary>
public interface ITenantContext
{
    Guid? TenantId { get; }
    Guid? UserId { get; }
}
