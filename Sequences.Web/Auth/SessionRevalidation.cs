using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Identity;

namespace Sequences.Web.Auth;

/// <summary>Whether a signed-in session still stands: its account is active and its password has not changed since.</summary>
public static class SessionRevalidation
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public static async Task<bool> IsCurrentAsync(UserManager<AppUser> users, ClaimsPrincipal principal, string stampClaimType)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.DeactivatedAt is not null) return false;
        return principal.FindFirstValue(stampClaimType) == await users.GetSecurityStampAsync(user);
    }
}

/// <summary>An open circuit outlives the cookie checks of HTTP requests, so it checks its session as often itself.</summary>
public sealed class RevalidatingIdentityStateProvider(ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => SessionRevalidation.Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await SessionRevalidation.IsCurrentAsync(users, state.User, options.Value.ClaimsIdentity.SecurityStampClaimType);
    }
}
