using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;
using Sequences.Infrastructure;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Bench;

/// <summary>The ids the seeded rows point at.</summary>
public sealed record BenchSequence(Guid TenantId, Guid SequenceId, Guid StepId, int StepOrder)
{
    /// <summary>The step id the seeded history's sent messages name (a step of an earlier version, no longer in the plan).</summary>
    public Guid EarlierStepId { get; } = Guid.Parse("00000000-0000-4000-8000-0000000000e1");
}

/// <summary>
/// The app's own services (AddSequencesInfrastructure) over one bench database, sending with the real SMTP
/// transport to the bench sink: what the scheduler runs in a host, without the web part.
/// </summary>
public sealed class BenchApp : IAsyncDisposable
{
    public const string TrackingBaseUrl = "https://sequences.test";
    public const string SigningKey = "bench-signing-key-0123456789abcdef";

    private readonly ServiceProvider _services;
    private int _seedBatches;

    private BenchApp(ServiceProvider services, BenchDatabase database, BenchSequence sequence)
    {
        _services = services;
        Database = database;
        Sequence = sequence;
    }

    public BenchDatabase Database { get; }

    public BenchSequence Sequence { get; }

    public EngineOptions Engine => _services.GetRequiredService<IOptions<EngineOptions>>().Value;

    /// <summary>Migrates the database and creates one tenant with one active, always-open, one-email sequence.</summary>
    public static async Task<BenchApp> CreateAsync(BenchDatabase database, BenchSink sink)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Email:Transport"] = "smtp",
            ["Email:Smtp:Host"] = sink.Host,
            ["Email:Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "none",
            ["Email:DefaultFrom"] = "charles@sequences.test",
            ["Tracking:BaseUrl"] = TrackingBaseUrl,
            ["Tracking:SigningKey"] = SigningKey,
            ["Sequences:Engine:SchedulerEnabled"] = "false",
        };
        // Environment variables (Sequences__Engine__Parallelism=...) override, to try other tunings.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSequencesInfrastructure(configuration);
        var provider = services.BuildServiceProvider();

        await using (var scope = provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        var sequence = await CreateSequenceAsync(provider);
        return new BenchApp(provider, database, sequence);
    }

    /// <summary>Adds <paramref name="count"/> leads, each enrolled in the sequence with its step due at <paramref name="nextActionAt"/>(i),
    /// and with <paramref name="history"/> one sent email each from before.</summary>
    public async Task<TimeSpan> SeedAsync(int count, Func<int, DateTime> nextActionAt, CancellationToken ct = default, bool history = false)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var batch = Interlocked.Increment(ref _seedBatches);
        var now = DateTime.UtcNow;
        await Database.InsertAsync(SeedRows.Leads(Sequence, batch, count, now), ct);
        await Database.InsertAsync(SeedRows.States(Sequence, batch, count, now, nextActionAt), ct);
        if (history) await Database.InsertAsync(SeedRows.SentMessages(Sequence, batch, count, now.AddDays(-3)), ct);
        await Database.AfterBulkLoadAsync(ct);
        return watch.Elapsed;
    }

    /// <summary>Counts through EF what the app sees, so a seeding format the app cannot read fails loudly.</summary>
    public Task<int> CountStatesAsync(CancellationToken ct = default) =>
        WithContextAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().CountAsync(s => s.SequenceId == Sequence.SequenceId, ct));

    public Task<int> CountSentMessagesAsync(CancellationToken ct = default) =>
        WithContextAsync(db => db.OutboundMessages.IgnoreQueryFilters().CountAsync(m => m.Status == Core.Mail.OutboundStatus.Sent, ct));

    /// <summary>What the log says happened besides sending: why a pass sent fewer mails than were due.</summary>
    public Task<string> DescribeNotSentAsync(CancellationToken ct = default) =>
        WithContextAsync(async db =>
        {
            var rows = await db.ExecutionLog.IgnoreQueryFilters().AsNoTracking()
                .Where(l => l.SequenceId == Sequence.SequenceId && l.ActionType != "email_sent" && l.ActionType != "completed" && l.ActionType != "enrolled")
                .GroupBy(l => new { l.ActionType, l.ErrorMessage }).Select(g => new { g.Key.ActionType, g.Key.ErrorMessage, Count = g.Count() })
                .OrderByDescending(g => g.Count).Take(5).ToListAsync(ct);
            return rows.Count == 0 ? "the log shows nothing else" : "the log shows " + string.Join("; ", rows.Select(r => $"{r.Count} x {r.ActionType}{(r.ErrorMessage is null ? "" : $" ({r.ErrorMessage})")}"));
        });

    /// <summary>One scheduler pass over every tenant.</summary>
    public Task<PassResult> RunPassAsync(CancellationToken ct = default) => _services.GetRequiredService<QueuePass>().RunAsync(null, ct);

    private async Task<T> WithContextAsync<T>(Func<SequencesDbContext, Task<T>> query)
    {
        await using var scope = _services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetAllTenants();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    private static async Task<BenchSequence> CreateSequenceAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetAllTenants();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
        var now = DateTime.UtcNow;
        var tenant = new Tenant { Name = "Bench", CreatedAt = now };
        var step = new SequenceStep
        {
            TenantId = tenant.Id, StepOrder = 1, StepType = StepType.Email, Name = "First touch", SubjectLine = BenchContent.Subject, BodyHtml = BenchContent.BodyHtml,
        };
        var sequence = new Sequence
        {
            TenantId = tenant.Id, Name = "Bench outreach", Status = SequenceStatus.Active, StepsCount = 1,
            // Always open, so the figures do not depend on the time of day; tracking stays on, as by default.
            Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
            Steps = [step],
        };
        db.Tenants.Add(tenant);
        db.Sequences.Add(sequence);
        await db.SaveChangesAsync();
        return new BenchSequence(tenant.Id, sequence.Id, step.Id, step.StepOrder);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
