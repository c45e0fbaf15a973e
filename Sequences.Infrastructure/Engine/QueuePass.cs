using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Engine;

/// <summary>One queue pass: claims due enrollments in batches (with a lease), runs each until it must wait,
/// sends through one mail session per worker, and writes state, log and events per batch, fenced on the lease.</summary>
public sealed class QueuePass(
    IServiceScopeFactory scopes,
    IOptions<EngineOptions> options,
    IConfiguration configuration,
    TimeProvider clock,
    PassHistory history,
    Observability.SequencesMetrics metrics,
    Observability.QueueProbe probe,
    ILogger<QueuePass> logger)
{
    private static readonly string HostId = $"{Environment.MachineName}:{Environment.ProcessId}";

    // Shared by every pass of this host (the scheduler's and process-queue calls).
    private readonly WriteGate _writes = new();

    /// <summary>Runs a pass over every tenant (the scheduler) or one tenant (process-queue).</summary>
    public async Task<PassResult> RunAsync(Guid? tenantId, CancellationToken ct = default)
    {
        try
        {
            return await RunPassAsync(tenantId, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A database or host failure mid-pass: what was committed stands (messages committed as "sending" become
            // "unknown" once their lease runs out, never re-sent), and the claimed enrollments return to the queue
            // when their leases expire. The next pass picks them up.
            logger.LogError(e, "Queue pass failed; its claimed enrollments are retried by a later pass once their leases expire");
            throw;
        }
    }

    private async Task<PassResult> RunPassAsync(Guid? tenantId, CancellationToken ct)
    {
        using var activity = Observability.SequencesMetrics.ActivitySource.StartActivity("queue pass");
        activity?.SetTag("sequences.tenant_id", tenantId?.ToString() ?? "all");
        var startedAt = clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        var owner = $"{Guid.NewGuid():N}@{HostId}";
        if (owner.Length > 96) owner = owner[..96];
        var counters = new PassCounters();
        var runtimes = new ConcurrentDictionary<Guid, SequenceRuntime>();
        var pacer = new SendPacer();
        var winnerChecks = new ConcurrentDictionary<Guid, Task<IReadOnlyList<(Guid, WinnerDecision)>>>();

        await using (var scope = CreateScope(tenantId))
        {
            await using var db = await Contexts(scope).CreateDbContextAsync(ct);
            var expired = await _writes.RunAsync(db, () => QueueClaimer.ExpireSendingAsync(db, clock.GetUtcNow().UtcDateTime, tenantId, ct), ct);
            if (expired > 0) logger.LogWarning("{Count} message(s) were left sending by a host that stopped; marked unknown, not re-sent", expired);
        }

        // Each worker claims under its own owner: with one owner for the pass, a worker could claim a batch whose
        // lease ran out while another worker of the same pass was still on it, and the lease fence, comparing
        // owners, would let both write.
        await using (var writerScope = CreateScope(tenantId))
        await using (var writer = new PassWriter(_writes, c => Contexts(writerScope).CreateDbContextAsync(c)))
        {
            var workers = Enumerable.Range(0, Math.Max(1, options.Value.Parallelism))
                .Select(i => RunWorkerAsync(tenantId, $"{i}.{owner}", counters, runtimes, pacer, writer, winnerChecks, ct));
            await Task.WhenAll(workers);
        }

        var result = new PassResult(counters.Processed, counters.Sent, counters.Failed, watch.ElapsedMilliseconds, startedAt);
        await history.RecordAsync(result, tenantId, ct);
        if (tenantId is null)
            foreach (var share in counters.ByTenant)
                await history.RecordAsync(result with { Processed = share.Processed, EmailsSent = share.Sent, Failed = share.Failed }, share.TenantId, ct);
        metrics.PassCompleted(result.Processed, result.EmailsSent, result.Failed, watch.Elapsed);
        activity?.SetTag("sequences.processed", result.Processed).SetTag("sequences.emails_sent", result.EmailsSent).SetTag("sequences.failed", result.Failed);
        await probe.MeasureAsync(ct);
        if (result.Processed > 0)
            logger.LogInformation("Queue pass: {Processed} enrollments, {Sent} sent, {Failed} failed in {Duration} ms", result.Processed, result.EmailsSent, result.Failed, result.DurationMs);
        return result;
    }

    private async Task RunWorkerAsync(Guid? tenantId, string owner, PassCounters counters, ConcurrentDictionary<Guid, SequenceRuntime> runtimes,
        SendPacer pacer, PassWriter writer, ConcurrentDictionary<Guid, Task<IReadOnlyList<(Guid, WinnerDecision)>>> winnerChecks, CancellationToken ct)
    {
        await using var scope = CreateScope(tenantId);
        var worker = new PassWorker(scope.ServiceProvider, owner, options.Value, configuration, clock, counters, runtimes, pacer, writer, logger, winnerChecks);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                List<Guid> ids;
                var now = clock.GetUtcNow().UtcDateTime;
                await using (var db = await Contexts(scope).CreateDbContextAsync(ct))
                    ids = await writer.RunAsync(db, w => QueueClaimer.ClaimAsync(w, owner, now, now + options.Value.LeaseDuration, options.Value.BatchSize, tenantId, ct), ct);
                if (ids.Count == 0) break;
                await worker.ProcessBatchAsync(ids, ct);
            }
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    private AsyncServiceScope CreateScope(Guid? tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        if (tenantId is null) tenant.SetAllTenants();
        else tenant.Set(tenantId, null);
        return scope;
    }

    private static IDbContextFactory<SequencesDbContext> Contexts(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>();
}
