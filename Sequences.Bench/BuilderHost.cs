extern alias web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Sequences;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Bench;

/// <summary>The real web app in-process on Kestrel (a free loopback port), in Production, over a SQLite file in a
/// temp folder, with one bootstrapped tenant whose admin signs in through the login page.</summary>
public sealed class BuilderHost : WebApplicationFactory<web::Program>
{
    public const string AdminEmail = "bench@sequences.test";
    public const string AdminPassword = "Bench-Builder-42";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"sequences-bench-builder-{Guid.NewGuid():N}");

    private BuilderHost() => UseKestrel(0);

    public string BaseUrl => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Starts the host now: migrations and the bootstrap run before the first page is asked for.</summary>
    public static BuilderHost Start()
    {
        var host = new BuilderHost();
        Directory.CreateDirectory(host._dataDir);
        host.StartServer();
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Database:Provider"] = "sqlite",
            ["ConnectionStrings:Sequences"] = $"Data Source={Path.Combine(_dataDir, "sequences.db")}",
            // Nothing is sent: the builder is all this scenario opens.
            ["Email:Transport"] = "pickup",
            ["Email:PickupDirectory"] = Path.Combine(_dataDir, "outbox"),
            ["Tracking:BaseUrl"] = "https://sequences.test",
            ["Sequences:Engine:PollInterval"] = "01:00:00",
            ["Sequences:Replies:PollInterval"] = "01:00:00",
            ["RateLimits:LoginPerMinute"] = "100000",
            ["Sequences:Bootstrap:Tenants:0:Name"] = "Bench",
            ["Sequences:Bootstrap:Tenants:0:ApiKey"] = "sk_bench_builder_0123456789",
            ["Sequences:Bootstrap:Tenants:0:AdminEmail"] = AdminEmail,
            ["Sequences:Bootstrap:Tenants:0:AdminPassword"] = AdminPassword,
        };
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Creates the sequence through the app's own <see cref="SequenceService"/>, as the bench admin;
    /// returns its id and how many validation errors it has (the builder shows them, and they cost render time).</summary>
    public async Task<(Guid Id, int Errors)> CreateSequenceAsync(SequenceInput input)
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(AdminEmail)
                   ?? throw new BenchException($"The bootstrap did not create {AdminEmail}.");
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(user.TenantId, user.Id);
        var sequences = scope.ServiceProvider.GetRequiredService<SequenceService>();
        var sequence = await sequences.CreateAsync(input);
        var issues = await sequences.ValidateAsync(sequence.Id);
        return (sequence.Id, issues.Count(i => i.Severity == Core.Common.IssueSeverity.Error));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
