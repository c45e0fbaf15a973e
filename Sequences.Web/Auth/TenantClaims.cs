using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Web.Auth;

/// <summary>Turns the signed-in principal (cookie or API key) into the scope's tenant context.</summary>
public static class TenantClaims
{
    public static void Apply(ClaimsPrincipal user, TenantContext tenant)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            tenant.Set(null, null);
            return;
        }
        tenant.Set(ParseClaim(user, AppClaims.TenantId), ParseClaim(user, AppClaims.UserId));
    }

    private static Guid? ParseClaim(ClaimsPrincipal user, string type) =>
        Guid.TryParse(user.FindFirstValue(type), out var id) ? id : null;

    /// <summary>Runs after authorization, so endpoint-specific schemes (API keys) have set the user.</summary>
    public static IApplicationBuilder UseTenantContext(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            Apply(context.User, context.RequestServices.GetRequiredService<TenantContext>());
            await next(context);
        });
}

/// <summary>The cookie carries the tenant so no request has to look the user up again.</summary>
public sealed class TenantClaimsPrincipalFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AppClaims.TenantId, user.TenantId.ToString()));
        identity.AddClaim(new Claim(AppClaims.UserId, user.Id.ToString()));
        return identity;
    }
}

/// <summary>A Blazor circuit has no HttpContext: its scope's tenant comes from the circuit's authentication state.</summary>
public sealed class TenantCircuitHandler(AuthenticationStateProvider authentication, TenantContext tenant) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) => await ApplyAsync();

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            await ApplyAsync();
            await next(context);
        };

    private async Task ApplyAsync() => TenantClaims.Apply((await authentication.GetAuthenticationStateAsync()).User, tenant);
}
