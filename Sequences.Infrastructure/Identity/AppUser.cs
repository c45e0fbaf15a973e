using Microsoft.AspNetCore.Identity;
using Sequences.Core.Common;

namespace Sequences.Infrastructure.Identity;

public sealed class AppUser : IdentityUser<Guid>
{
    public Guid TenantId { get; set; }
    public string? DisplayName { get; set; }

    /// <summary>Set when a teammate switches the account off: it can no longer sign in or use its API keys, while the
    /// sequences it owns and their history stay as they are. Null for an active account.</summary>
    public DateTime? DeactivatedAt { get; set; }
}

/// <summary>An API key of one user; only its SHA-256 hash is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = RowIds.New();
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string KeyHash { get; set; }
    /// <summary>The first characters, to tell keys apart in lists.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

public static class AppClaims
{
    public const string TenantId = "sequences:tenant";
    public const string UserId = "sequences:user";
}
