using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequences.Infrastructure;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Scale;

/// <summary>
/// One app host in the test process with its own DI container (the infrastructure the web host registers, without
/// the web part), on a shared PostgreSQL database, sending to its own SMTP sink. Passes are run by the test rather
/// than by Quartz, so each host's work is known and nothing depends on a timer.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _disposed;

    private EngineHost(string name, IHost host, SmtpSink smtp)
    {
        Name = name;
        _host = host;
        Smtp = smtp;
    }

    public string Name { get; }

    public SmtpSink Smtp { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a host as a deployment would: it migrates (a no-op when another host did) and is ready to run passes.</summary>
    public static async Task<EngineHost> StartAsync(string name, PostgresServer server, string database, TimeSpan leaseDuration, int batchSize, TimeProvider clock)
    {
        var smtp = new SmtpSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Sequences"] = server.ConnectionString(database, PostgresServer.AppRole),
            ["ConnectionStrings:SequencesMigrations"] = server.ConnectionString(database, PostgresServer.OwnerRole),
            ["Email:Transport"] = "smtp",
            ["Email:Smtp:Host"] = smtp.Host,
            ["Email:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "none",
            ["Tracking:BaseUrl"] = "https://sequences.test",
            // Every host of a deployment signs with the same key.
            ["Tracking:SigningKey"] = "scale-test-signing-key-0123456789",
            ["Sequences:Engine:SchedulerEnabled"] = "false",
            ["Sequences:Engine:LeaseDuration"] = leaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Sequences:Engine:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.AddFilter(_ => false);
        // One clock for every host of the test, as one wall clock serves a real deployment.
        builder.Services.AddSingleton(clock);
        builder.Services.AddSequencesInfrastructure(builder.Configuration);
        var host = builder.Build();
        try
        {
            await using (var scope = host.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            await smtp.DisposeAsync();
            throw;
        }
        return new EngineHost(name, host, smtp);
    }

    /// <summary>One scheduler pass over every tenant, as the Quartz job runs it.</summary>
    public Task<PassResult> RunPassAsync(CancellationToken ct = default) => Services.GetRequiredService<QueuePass>().RunAsync(null, ct);

    /// <summary>Reads through this host's context with the scheduler's all-tenants bypass.</summary>
    public async Task<T> QueryAsync<T>(Func<SequencesDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetAllTenants();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(stop.Token);
        }
        finally
        {
            _host.Dispose();
            await Smtp.DisposeAsync();
        }
    }
}
