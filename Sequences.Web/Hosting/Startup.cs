using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Settings;

namespace Sequences.Web.Hosting;

public static partial class Startup
{
    /// <summary>Without Tracking:BaseUrl, links in mail point at the app's first listening URL (DESIGN §6).</summary>
    public static void LearnPublicUrl(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
            if (addresses?.FirstOrDefault() is { } first)
                app.Services.GetRequiredService<Sequences.Infrastructure.Engine.PublicBaseUrl>().Fallback = AnyHost().Replace(first, "://localhost");
        });

    // "Listen on every interface" is not an address a mail reader can open.
    [System.Text.RegularExpressions.GeneratedRegex(@"://(\[::\]|0\.0\.0\.0|\+|\*)")]
    private static partial System.Text.RegularExpressions.Regex AnyHost();

    /// <summary>Migrates, then creates configured tenants (or the demo tenant) before the app serves.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Sequences.Startup");
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        // Tracking links must verify on every host: without a configured key, the first host stores one.
        if (string.IsNullOrEmpty(app.Configuration["Tracking:SigningKey"]))
            await scope.ServiceProvider.GetRequiredService<AppSettingsStore>().GetOrCreateAsync(AppSettingsStore.TrackingSigningKey, AppSettingsStore.NewSecret);
        var demo = await scope.ServiceProvider.GetRequiredService<BootstrapService>().RunAsync();
        if (demo is null) return;
        var banner = $"""

            ================================================================
             Sequences demo tenant created. Sign in at /login with
               email:    {demo.Email}
               password: {demo.Password}
             API key (Authorization: Bearer ...): {demo.ApiKey}
             Shown once; keep it. Delete ./data to start over.
            ================================================================

            """;
        Console.WriteLine(banner);
        logger.LogWarning("Demo tenant created: sign in as {DemoEmail} with password {DemoPassword}; API key {DemoApiKey}",
            demo.Email, demo.Password, demo.ApiKey);
    }
}
