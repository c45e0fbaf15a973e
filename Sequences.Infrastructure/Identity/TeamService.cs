using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Identity;

/// <param name="MailboxFrom">The address their sequences send from, when they have connected a mailbox; else the
/// workspace's default sender is used.</param>
public sealed record TeamMember(Guid Id, string Email, string? DisplayName, bool Active, DateTime? DeactivatedAt, int SequencesOwned,
    string? MailboxFrom = null)
{
    /// <summary>How a list names them: their name, else their address.</summary>
    public string Name => DisplayName ?? Email;

    /// <summary>How a sentence or a picker names them, unambiguously: "Alex (alex@acme.com)".</summary>
    public string Label => DisplayName is { } name ? $"{name} ({Email})" : Email;
}

/// <summary>A new account and the password to hand over; only a hash is stored, so it is shown once.</summary>
public sealed record NewTeammate(TeamMember Member, string TemporaryPassword);

/// <summary>
/// The users of one workspace. Every member may manage the others, as in a small team; nobody can switch off their
/// own account, so a workspace always keeps someone who can sign in. Each change runs in a scope of its own, so a
/// long-lived circuit never works on a stale copy of a user.
/// </summary>
public sealed class TeamService(IServiceScopeFactory scopes, IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public async Task<IReadOnlyList<TeamMember>> ListAsync(Guid tenantId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owned = await db.Sequences.IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.UserId != null)
            .GroupBy(s => s.UserId!.Value)
            .Select(g => new { UserId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.UserId, g => g.Count, ct);
        var mailboxes = (await db.Mailboxes.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.TenantId == tenantId).Select(m => new { m.UserId, m.FromAddress }).ToListAsync(ct))
            .DistinctBy(m => m.UserId).ToDictionary(m => m.UserId, m => m.FromAddress);
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToListAsync(ct);
        return users
            .OrderBy(u => u.DeactivatedAt is not null)
            .ThenBy(u => u.DisplayName ?? u.Email, StringComparer.OrdinalIgnoreCase)
            .Select(u => Member(u, owned.GetValueOrDefault(u.Id)) with { MailboxFrom = mailboxes.GetValueOrDefault(u.Id) })
            .ToList();
    }

    /// <summary>The API's list: a workspace has a handful of users, so it is filtered and paged in memory.</summary>
    public async Task<Page<TeamMember>> ListAsync(Guid tenantId, PageRequest request, CancellationToken ct = default)
    {
        var members = await ListAsync(tenantId, ct);
        var matching = request.Query is { } q
            ? members.Where(m => m.Email.Contains(q, StringComparison.OrdinalIgnoreCase) || m.DisplayName?.Contains(q, StringComparison.OrdinalIgnoreCase) == true).ToList()
            : members;
        return new Page<TeamMember>(matching.Skip(request.Skip).Take(request.PageSize).ToList(), matching.Count, request.Page, request.PageSize);
    }

    public async Task<NewTeammate> AddAsync(Guid tenantId, string email, string? displayName, CancellationToken ct = default)
    {
        email = email.Trim();
        if (email.Length == 0) throw new InputRejectedException("email", "required", "Enter the teammate's email address.");
        if (!EmailAddresses.IsValid(email))
            throw new InputRejectedException("email", "invalid", $"'{email}' is not an email address.");
        displayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        if (displayName?.Length > 200) throw new InputRejectedException("display_name", "too_long", "The name may have at most 200 characters.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        // Sign-in is by email across all workspaces, so an address can have one account only.
        if (await users.FindByEmailAsync(email) is not null || await users.FindByNameAsync(email) is not null)
            throw new ConflictException($"{email} already has an account.");
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, TenantId = tenantId, DisplayName = displayName };
        var password = TemporaryPassword();
        Check(await users.CreateAsync(user, password), "email");
        return new NewTeammate(Member(user, 0), password);
    }

    /// <summary>A new password for a teammate who lost theirs; their signed-in sessions end.</summary>
    public async Task<string> ResetPasswordAsync(Guid tenantId, Guid userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await FindAsync(users, tenantId, userId);
        var password = TemporaryPassword();
        Check(await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password), "password");
        // A teammate locked out by failed attempts is the usual reason for a reset.
        Check(await users.SetLockoutEndDateAsync(user, null), "password");
        Check(await users.ResetAccessFailedCountAsync(user), "password");
        return password;
    }

    public async Task<TeamMember> DeactivateAsync(Guid tenantId, Guid actingUserId, Guid userId, CancellationToken ct = default)
    {
        if (userId == actingUserId)
            throw new ConflictException("You cannot deactivate your own account. Ask a teammate to do it.");
        return await ChangeAsync(tenantId, userId, user => user.DeactivatedAt ??= clock.GetUtcNow().UtcDateTime, ct);
    }

    public Task<TeamMember> ReactivateAsync(Guid tenantId, Guid userId, CancellationToken ct = default) =>
        ChangeAsync(tenantId, userId, user => user.DeactivatedAt = null, ct);

    private async Task<TeamMember> ChangeAsync(Guid tenantId, Guid userId, Action<AppUser> change, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await FindAsync(users, tenantId, userId);
        change(user);
        Check(await users.UpdateAsync(user), "user");
        // A new stamp ends the account's open sessions at their next check (SessionRevalidation).
        Check(await users.UpdateSecurityStampAsync(user), "user");
        return (await ListAsync(tenantId, ct)).First(m => m.Id == userId);
    }

    /// <summary>Another workspace's user is unknown here, as an unknown id is.</summary>
    private static async Task<AppUser> FindAsync(UserManager<AppUser> users, Guid tenantId, Guid userId) =>
        await users.FindByIdAsync(userId.ToString()) is { } user && user.TenantId == tenantId
            ? user
            : throw new NotFoundException("User", userId);

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new InputRejectedException(result.Errors.Select(e => ValidationIssue.Error(field, e.Code, e.Description)).ToList());
    }

    private static TeamMember Member(AppUser user, int sequencesOwned) =>
        new(user.Id, user.Email ?? user.UserName ?? "", user.DisplayName, user.DeactivatedAt is null, user.DeactivatedAt, sequencesOwned);

    /// <summary>A first password to pass on (a teammate's, the demo login's): readable enough to type, strong enough
    /// for Identity's rules (length, digit, both cases, symbol).</summary>
    internal static string TemporaryPassword() =>
        $"Tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}-{RandomNumberGenerator.GetInt32(10, 99)}X";
}
