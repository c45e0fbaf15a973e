using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Sequences.Core.Tenants;
using Sequences.Infrastructure;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Tests.Web;

/// <summary>
/// A bUnit context over the real infrastructure on a fresh SQLite file: pages talk to the real services,
/// so paging, search and tenant isolation are the ones production runs.
/// </summary>
public sealed class PageTestContext : IAsyncDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"sequences-bunit-{Guid.NewGuid():N}.db");

    public BunitContext Bunit { get; } = new();

    /// <summary>Advanced by hand, so rows get distinct, ordered creation times without the wall clock.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero));

    public string PickupDirectory { get; } = Path.Combine(Path.GetTempPath(), $"sequences-bunit-outbox-{Guid.NewGuid():N}");

    public Guid TenantA { get; } = Guid.NewGuid();
    public Guid TenantB { get; } = Guid.NewGuid();

    private PageTestContext()
    {
    }

    /// <summary>Migrated database with tenants A and B; the rendered components act as tenant A.</summary>
    public static async Task<PageTestContext> CreateAsync()
    {
        var context = new PageTestContext();
        await context.InitializeAsync();
        return context;
    }

    private async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Sequences"] = $"Data Source={_databasePath}",
                // Pages that run a queue pass write .eml files; keep them out of the working directory.
                ["Email:PickupDirectory"] = PickupDirectory,
            })
            .Build();
        var services = Bunit.Services;
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSequencesInfrastructure(configuration);
        services.AddSequencesIdentityCore(); // the team panel adds and changes users through Identity, as the host does
        services.AddMudServices();
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        // Pages render as they do in the circuit (the page header marks interactivity for browser tests).
        Bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            db.Tenants.Add(new Tenant { Id = TenantA, Name = "Tenant A", CreatedAt = Clock.GetUtcNow().UtcDateTime });
            db.Tenants.Add(new Tenant { Id = TenantB, Name = "Tenant B", CreatedAt = Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }

        // bUnit resolves components' services from its root provider, so this is the tenant the pages see.
        services.GetRequiredService<TenantContext>().Set(TenantA, null);
    }

    /// <summary>Runs <paramref name="work"/> with services scoped to <paramref name="tenantId"/>.</summary>
    public async Task AsTenantAsync(Guid tenantId, Func<IServiceProvider, Task> work)
    {
        await using var scope = Bunit.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, null);
        await work(scope.ServiceProvider);
    }

    public async ValueTask DisposeAsync()
    {
        // MudBlazor's popover service is only IAsyncDisposable: a synchronous Dispose would throw.
        await Bunit.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try { File.Delete(_databasePath + suffix); } catch (IOException) { }
        }
        try { if (Directory.Exists(PickupDirectory)) Directory.Delete(PickupDirectory, recursive: true); } catch (IOException) { }
    }
}
