using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Identity;

public static class IdentitySetup
{
    /// <summary>Users, their password rules and stores: one registration for the web host and for tests of the pages
    /// that manage users, so both apply the same rules.</summary>
    public static IdentityBuilder AddSequencesIdentityCore(this IServiceCollection services)
    {
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = PasswordResets.LinkLifetime);
        return services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<SequencesDbContext>()
            .AddDefaultTokenProviders();
    }
}
