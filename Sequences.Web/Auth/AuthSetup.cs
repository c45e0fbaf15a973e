using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Web.Auth;

public static class AuthSetup
{
    public const string ApiPolicy = "api";

    public static IServiceCollection AddSequencesAuth(this IServiceCollection services)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
            }));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddSequencesIdentityCore()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<TenantClaimsPrincipalFactory>();
        // A changed password or a deactivated account ends the account's other sessions within a minute, not the
        // default half hour: cookies are checked against the security stamp this often.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionRevalidation.Interval);

        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddScoped<CircuitHandler, TenantCircuitHandler>();
        // Data-protection keys (cookies, mailbox passwords) live in the database: AddSequencesInfrastructure sets them up.
        return services;
    }
}
