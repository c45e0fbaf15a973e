namespace Sequences.Core.Common;

/// <summary>A row that belongs to one tenant; the tenant filter and PostgreSQL RLS key on it.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}

/// <summary>Rows whose created/updated stamps are kept by the persistence layer, not by callers.</summary>
public interface IAuditable
{
    DateTime CreatedAt { get; set; }
    DateTime UpdatedAt { get; set; }
}

public abstract class TenantEntity : ITenantOwned, IAuditable
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
