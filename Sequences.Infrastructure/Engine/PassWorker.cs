using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// One worker of a pass: processes claimed batches with its own DbContext and one mail session. A batch runs in
/// chunks of at most <see cref="SendChunk"/> enrollments: each chunk's messages are committed as "sending" together,
/// then sent one by one, so a batch costs a few commits instead of one per message.
/// </summary>
internal sealed class PassWorker(
    IServiceProvider services,
    string owner,
    EngineOptions options,
    IConfiguration configuration,
    TimeProvider clock,
    PassCounters counters,
    ConcurrentDictionary<Guid, SequenceRuntime> runtimes,
    SendPacer pacer,
    PassWriter writes,
    ILogger logger,
    ConcurrentDictionary<Guid, Task<IReadOnlyList<(Guid StepId, WinnerDecision Decision)>>> winnerChecks) : IAsyncDisposable
{
    /// <summary>DESIGN: "sending" rows are committed alone or in a chunk of at most 10, so a crash leaves at most
    /// Parallelism x 10 unknown outcomes.</summary>
    internal const int SendChunk = 10;

    private readonly EmailComposer _composer = services.GetRequiredService<EmailComposer>();
    private readonly ActionRunner _actions = services.GetRequiredService<ActionRunner>();
    private readonly TrackingLinks _links = services.GetRequiredService<TrackingLinks>();
    // Stateless over singletons: taken from the container when registered, else built from them.
    private readonly MessageTracker _tracker = ActivatorUtilities.GetServiceOrCreateInstance<MessageTracker>(services);
    private readonly MimeMessageFactory _messages = services.GetRequiredService<MimeMessageFactory>();
    private readonly RelaySessions _sessions = new(services.GetRequiredService<MailRelays>());
    private readonly ChunkWrites _rows = new();

    public async Task ProcessBatchAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync(ct);
        // One connection for the whole batch: on PostgreSQL every open also costs a round trip to set the tenant.
        await db.Database.OpenConnectionAsync(ct);
        // Each commit is one transaction of its own (SaveFencedAsync): savepoints inside it would only add round trips.
        db.Database.AutoSavepointsEnabled = false;
        var batch = await BatchData.LoadAsync(db, ids, owner, ct);
        foreach (var chunk in batch.States.Chunk(SendChunk))
            await ProcessChunkAsync(db, batch, chunk, ct);
        foreach (var tenant in batch.States.GroupBy(s => s.TenantId)) counters.AddProcessed(tenant.Key, tenant.Count());
        await SaveFencedAsync(db, ct);
    }

    /// <summary>Runs each enrollment of the chunk up to its email, commits those messages as "sending" in one go,
    /// then sends them and lets each enrollment go on.</summary>
    private async Task ProcessChunkAsync(SequencesDbContext db, BatchData batch, LeadSequenceState[] chunk, CancellationToken ct)
    {
        var runs = new List<EnrollmentRun>(chunk.Length);
        var sends = new List<PendingSend>(chunk.Length);
        foreach (var state in chunk)
        {
            db.Attach(state); // tracked from here on; its update is fenced on the lease it was claimed with
            var run = new EnrollmentRun(state, clock);
            runs.Add(run);
            var send = await GuardAsync(db, run, async () =>
            {
                run.Start(batch.Leads[state.LeadId], await RuntimeAsync(db, state.SequenceId, ct), batch.FactsFor(state));
                return await AdvanceAsync(db, batch, run, ct);
            });
            if (send is not null) sends.Add(send);
        }

        while (sends.Count > 0)
        {
            await SaveFencedAsync(db, ct); // the chunk's messages are committed as "sending" before any SMTP call
            DetachDone(db, runs);
            var next = new List<PendingSend>();
            foreach (var send in sends)
            {
                var run = send.Run;
                var following = await GuardAsync(db, run, async () =>
                {
                    var session = await _sessions.ForAsync(run.Runtime.Mailbox, ct);
                    SendResult result;
                    // A MIME tree has finalizers: left undisposed, every message (bodies and all) would survive a
                    // collection waiting for them, and that survival was most of the pass's GC work.
                    using (send.Mime) result = await session.SendAsync(send.Mime, ct);
                    if (CompleteSend(db, send, result) == StepOutcome.Halt) return null;
                    EnrollmentEngine.StepDone(run.Cursor, run.Plan, run.Context(), clock.GetUtcNow().UtcDateTime, run.Log);
                    return await AdvanceAsync(db, batch, run, ct);
                });
                if (following is not null) next.Add(following);
            }
            sends = next; // a second email due at once (no wait between the steps) is committed on its own before it goes out
        }

        foreach (var run in runs) Finish(db, run);
    }

    /// <summary>Runs the engine for one enrollment until it must send (returned), wait or finish.</summary>
    private async Task<PendingSend?> AdvanceAsync(SequencesDbContext db, BatchData batch, EnrollmentRun run, CancellationToken ct)
    {
        var (state, lead, runtime, cursor, log) = (run.State, run.Lead, run.Runtime, run.Cursor, run.Log);
        while (run.Steps++ < 1000)
        {
            var action = EnrollmentEngine.Next(cursor, run.Plan, run.Context(), log);
            if (action is SendEmail send)
            {
                var start = await BeginSendAsync(db, batch, run, send, ct);
                if (start.Pending is { } pending) return pending;
                if (start.Outcome == StepOutcome.Halt) return null;
                EnrollmentEngine.StepDone(cursor, run.Plan, run.Context(), clock.GetUtcNow().UtcDateTime, log);
                continue;
            }
            if (action is RunAction act)
            {
                // Actions may change the lead; leads are read untracked, so track this one from here on.
                if (db.Entry(lead).State == EntityState.Detached) db.Attach(lead);
                var result = await _actions.RunAsync(db, act.Step, lead, state, runtime.Sequence.UserId, runtime.WebhookSecret, ct);
                _rows.Add(EnrollmentMapping.Log(state, "action_run", clock.GetUtcNow().UtcDateTime, act.Step,
                    result.Success ? LogResult.Success : LogResult.Failed, result.Error,
                    new Dictionary<string, string>(result.Metadata) { ["action_type"] = Snake(act.Step.ActionType?.ToString()) }));
                EnrollmentEngine.StepDone(cursor, run.Plan, run.Context(), clock.GetUtcNow().UtcDateTime, log);
                continue;
            }
            return null; // Wait or Finish: the cursor holds the outcome.
        }
        return null;
    }

    /// <summary>Stores where the enrollment stands and what the engine logged, and gives up its lease.</summary>
    private void Finish(SequencesDbContext db, EnrollmentRun run)
    {
        var (state, cursor, log) = (run.State, run.Cursor, run.Log);
        if (!run.Failed)
        {
            EnrollmentMapping.Apply(cursor, state, clock.GetUtcNow().UtcDateTime);
            if (cursor.Finished)
                log.Add(new EngineLogEntry(cursor.Stopped ? "stopped" : "completed", null, null, clock.GetUtcNow().UtcDateTime,
                    cursor.StoppedReason is { } r ? new Dictionary<string, string> { ["reason"] = r } : new Dictionary<string, string>()));
            foreach (var entry in log) _rows.Add(EnrollmentMapping.Log(state, entry));
        }
        state.LeaseOwner = null;
        state.LeaseUntil = null;
    }

    /// <summary>One broken enrollment must not hold up the batch: log it and retry it later.</summary>
    private async Task<T?> GuardAsync<T>(SequencesDbContext db, EnrollmentRun run, Func<Task<T?>> work) where T : class
    {
        // Everything logged for this enrollment (transport, actions, errors) carries its ids as structured fields.
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["LeadId"] = run.State.LeadId, ["SequenceId"] = run.State.SequenceId, ["StepId"] = run.State.CurrentStepId, ["EnrollmentId"] = run.State.Id,
        });
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var state = run.State;
            run.Failed = true;
            logger.LogError(e, "Enrollment {StateId} of lead {LeadId} in sequence {SequenceId} failed", state.Id, state.LeadId, state.SequenceId);
            var now = clock.GetUtcNow().UtcDateTime;
            state.NextActionAt = now + EngineOptions.RetryBackoff[0];
            _rows.Add(EnrollmentMapping.Log(state, "engine_error", now, error: e.Message, result: LogResult.Failed));
            return null;
        }
    }

    private enum StepOutcome { Done, Halt }

    /// <summary>An email ready to go: its message row is (or is about to be) committed as "sending".</summary>
    private sealed record PendingSend(EnrollmentRun Run, SequenceStep Step, OutboundMessage Message, MimeKit.MimeMessage Mime);

    /// <summary>Either the step's outcome (nothing to send: suppressed, held, sent before, unbuildable) or a send to make.</summary>
    private readonly record struct SendStart(StepOutcome Outcome, PendingSend? Pending)
    {
        public static implicit operator SendStart(StepOutcome outcome) => new(outcome, null);
    }

    /// <summary>Everything of an email step before the SMTP call: checks, caps, the message row, rendering.</summary>
    private async Task<SendStart> BeginSendAsync(SequencesDbContext db, BatchData batch, EnrollmentRun run, SendEmail send, CancellationToken ct)
    {
        var (state, lead, runtime, cursor) = (run.State, run.Lead, run.Runtime, run.Cursor);
        var now = clock.GetUtcNow().UtcDateTime;
        var step = send.Step;
        if (batch.IsSuppressed(lead))
        {
            EnrollmentEngine.Stop(cursor, lead.UnsubscribedAt is not null ? "unsubscribed" : lead.BouncedAt is not null ? "bounced" : "suppressed");
            _rows.Add(EnrollmentMapping.Log(state, "email_suppressed", now, step, LogResult.Skipped));
            return StepOutcome.Halt;
        }

        var key = MessageIds.EngineKey(state.Id, step.Id);
        var message = batch.Message(state.Id, step.Id);
        if (message is null or { Status: OutboundStatus.Queued })
        {
            // Caps and spacing: the mail waits, visibly, instead of going out.
            var hold = await pacer.ReserveAsync(db, runtime, lead, now, ct);
            if (hold is not null)
            {
                cursor.NextActionAt = hold.Until;
                _rows.Add(EnrollmentMapping.Log(state, "send_deferred", now, step, LogResult.Skipped, metadata: new()
                {
                    ["reason_code"] = hold.Code, ["reason"] = hold.Message, ["until"] = hold.Until.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                }));
                return StepOutcome.Halt;
            }
        }
        switch (message?.Status)
        {
            case OutboundStatus.Sent:
                return StepOutcome.Done; // sent before the last write was lost: never again
            case OutboundStatus.Failed:
                return StepOutcome.Done;
            case OutboundStatus.Sending or OutboundStatus.Unknown:
                // Nobody knows whether it went out: a person decides (queue health). Park the enrollment.
                cursor.NextActionAt = null;
                _rows.Add(EnrollmentMapping.Log(state, "send_outcome_unknown", now, step, LogResult.Failed, "The outcome of the last send attempt is unknown; not re-sent automatically."));
                return StepOutcome.Halt;
        }

        var variant = send.Variant;
        if (message is null)
        {
            message = new OutboundMessage
            {
                Id = RowIds.New(), TenantId = state.TenantId, IdempotencyKey = key, MessageId = MessageIds.FromIdempotencyKey(key, MessageIds.DomainOf(runtime.FromAddress)),
                StateId = state.Id, LeadId = lead.Id, SequenceId = state.SequenceId, StepId = step.Id, Variant = variant?.Variant,
                ToAddress = lead.Email, FromAddress = runtime.FromAddress,
            };
            _rows.Add(message);
            batch.Remember(message);
        }
        else
        {
            if (db.Entry(message).State == EntityState.Detached) db.Attach(message); // the batch reads messages untracked
            if (message.Variant is { } chosen)
                variant = step.Variants.FirstOrDefault(v => v.Variant == chosen) ?? variant; // retries keep the first choice
        }

        OutgoingEmail email;
        MimeKit.MimeMessage mime;
        try
        {
            email = _composer.Compose(step, variant, lead, runtime, runtime.CampaignName ?? batch.CampaignName(state.CampaignId), key,
                _links.Unsubscribe(state.TenantId, message.Id, lead.Id), step.SameThread ? EmailThread.ReplyTo(batch.SentMails(state.Id)) : null);
            var tracked = _tracker.Track(email, new MessageTracking(state.TenantId, message.Id, lead.Id,
                runtime.Sequence.Settings.TrackOpens, runtime.Sequence.Settings.TrackClicks));
            email = tracked.Email;
            message.Links = tracked.Links; // stored with the "sending" row, before any click can arrive
            mime = _messages.Create(email);
        }
        catch (TemplateRenderException e)
        {
            return Failed(db, state, step, message, cursor, runtime, now, $"The template could not be rendered: {e.Message}");
        }
        catch (ArgumentException e)
        {
            return Failed(db, state, step, message, cursor, runtime, now, $"The message could not be built: {e.Message}");
        }

        message.Subject = email.Subject;
        message.Status = OutboundStatus.Sending;
        message.Attempts++;
        message.LeaseOwner = owner;
        message.LeaseUntil = now + options.LeaseDuration;
        // Committed as "sending" (with its chunk) before the SMTP call: a crash then can never cause a second send.
        return new SendStart(StepOutcome.Done, new PendingSend(run, step, message, mime));
    }

    /// <summary>Records what the relay answered: sent, retry later, unknown or failed.</summary>
    private StepOutcome CompleteSend(SequencesDbContext db, PendingSend pending, SendResult result)
    {
        var (state, lead, runtime, cursor, facts) = (pending.Run.State, pending.Run.Lead, pending.Run.Runtime, pending.Run.Cursor, pending.Run.Facts);
        var (step, message) = (pending.Step, pending.Message);
        var now = clock.GetUtcNow().UtcDateTime;
        // Messages are untracked after their "sending" commit: sent ones are updated together with the next commit
        // (ChunkWrites), the rare others through the change tracker as before.
        if (result.Outcome != SendOutcome.Sent && db.Entry(message).State == EntityState.Detached) db.Attach(message);
        message.LeaseOwner = null;
        message.LeaseUntil = null;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                message.Status = OutboundStatus.Sent;
                message.SentAt = now;
                message.LastError = null;
                _rows.Sent(message, now);
                state.EmailsSent++;
                counters.AddSent(state.TenantId);
                facts.Add(new EngagementFact(EngagementType.Sent, step.Id, now));
                _rows.Add(new EngagementEvent
                {
                    Id = RowIds.New(), TenantId = state.TenantId, LeadId = lead.Id, MessageId = message.Id, SequenceId = state.SequenceId, StepId = step.Id,
                    Type = EngagementType.Sent, OccurredAt = now,
                });
                _rows.Add(EnrollmentMapping.Log(state, "email_sent", now, step, metadata: Metadata(("variant", message.Variant), ("message_id", message.MessageId), ("subject", message.Subject))));
                return StepOutcome.Done;

            case SendOutcome.TransientFailure when message.Attempts <= EngineOptions.RetryBackoff.Length:
                var retryAt = now + EngineOptions.RetryBackoff[message.Attempts - 1];
                message.Status = OutboundStatus.Queued;
                message.NextAttemptAt = retryAt;
                message.LastError = Describe(result);
                cursor.NextActionAt = retryAt;
                _rows.Add(EnrollmentMapping.Log(state, "send_retry", now, step, LogResult.Failed, message.LastError,
                    Metadata(("attempt", message.Attempts.ToString()), ("retry_at", retryAt.ToString("O")))));
                return StepOutcome.Halt;

            case SendOutcome.Unknown:
                message.Status = OutboundStatus.Unknown;
                message.LastError = Describe(result);
                cursor.NextActionAt = null;
                _rows.Add(EnrollmentMapping.Log(state, "send_outcome_unknown", now, step, LogResult.Failed, message.LastError));
                return StepOutcome.Halt;

            default:
                return Failed(db, state, step, message, cursor, runtime, now, Describe(result));
        }
    }

    /// <summary>A 5xx, the last retry, or an unrenderable template: the message failed; the sequence's policy decides.</summary>
    private StepOutcome Failed(SequencesDbContext db, LeadSequenceState state, SequenceStep step, OutboundMessage message, EnrollmentCursor cursor,
        SequenceRuntime runtime, DateTime now, string error)
    {
        message.Status = OutboundStatus.Failed;
        message.LastError = error.Length > 2000 ? error[..2000] : error;
        message.LeaseOwner = null;
        message.LeaseUntil = null;
        counters.AddFailed(state.TenantId);
        _rows.Add(EnrollmentMapping.Log(state, "email_failed", now, step, LogResult.Failed, error));
        if (runtime.Sequence.Settings.OnSendFailure == SendFailurePolicy.Stop)
        {
            EnrollmentEngine.Stop(cursor, "send_failed");
            return StepOutcome.Halt;
        }
        return StepOutcome.Done;
    }

    private async Task<SequenceRuntime> RuntimeAsync(SequencesDbContext db, Guid sequenceId, CancellationToken ct)
    {
        if (runtimes.TryGetValue(sequenceId, out var cached)) return cached;
        var sequence = await db.Sequences.IgnoreQueryFilters().AsNoTracking()
            .Include(s => s.Steps).ThenInclude(s => s.Variants).AsSplitQuery()
            .FirstAsync(s => s.Id == sequenceId, ct);
        var sender = await SequenceSenders.ForAsync(db, sequence.TenantId, sequence.UserId, configuration["Email:DefaultFrom"] ?? "sequences@localhost", ct);
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == sequence.TenantId, ct);
        await DecideWinnersAsync(db, sequence, ct);
        var runtime = new SequenceRuntime(sequence, EnrollmentMapping.Plans(sequence), sender.OwnerName, sender.OwnerEmail,
            sender.FromAddress, sender.FromName, tenant.DefaultTimezone, tenant.WebhookSecret, sender.Mailbox);
        return runtimes.GetOrAdd(sequenceId, runtime);
    }

    /// <summary>A/B auto-winner: once per sequence per pass, before any of its leads is picked a variant. A decision is
    /// stored on the step only if none was stored meanwhile (another host's pass), and the loaded steps use it at once.</summary>
    private async Task DecideWinnersAsync(SequencesDbContext db, Sequence sequence, CancellationToken ct)
    {
        // Workers of one pass share the check: the first to load the sequence runs it, the others wait for its outcome.
        var decisions = await winnerChecks.GetOrAdd(sequence.Id, _ => StoreWinnersAsync(db, sequence, ct));
        foreach (var (stepId, decision) in decisions)
            if (sequence.Steps.FirstOrDefault(s => s.Id == stepId) is { } step) step.Winner = decision;
    }

    private async Task<IReadOnlyList<(Guid StepId, WinnerDecision Decision)>> StoreWinnersAsync(SequencesDbContext db, Sequence sequence, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var current = sequence.Steps.Where(s => s.Version == sequence.Version);
        var made = new List<(Guid, WinnerDecision)>();
        foreach (var (step, decision) in await AutoWinnerDecider.DecideAsync(db, sequence, current, now, ct))
        {
            var stepId = step.Id;
            var stored = await writes.RunOnOwnAsync(db, () => db.SequenceSteps.IgnoreQueryFilters()
                .Where(s => s.Id == stepId && s.Winner == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Winner, decision), ct), ct);
            made.Add((stepId, decision));
            if (stored > 0)
                logger.LogInformation("A/B auto-winner: step {StepId} of sequence {SequenceId} decided for variant {Variant} on {Metric} (p={PValue:0.####}); rates {Rates}",
                    stepId, sequence.Id, decision.Variant, decision.Metric, decision.PValue,
                    string.Join(", ", decision.Rates.Select(r => $"{r.Variant} {r.Successes}/{r.Sends}")));
        }
        return made;
    }

    /// <summary>Right after a commit: stops tracking what is saved and done with (earlier chunks' enrollments and
    /// messages, this chunk's messages now committed as "sending"), keeping this chunk's enrollments in flight. Every
    /// SaveChanges compares each tracked row, so tracking a whole batch would make a batch cost grow with its square.</summary>
    private static void DetachDone(SequencesDbContext db, List<EnrollmentRun> runs)
    {
        var inFlight = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var run in runs) inFlight.Add(run.State);
        // Nothing changed since the commit, so listing the entries needs no change detection.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var entries = db.ChangeTracker.Entries().ToList();
            var tracked = entries.Where(e => e.Entity is LeadSequenceState && inFlight.Contains(e.Entity)).Select(e => e.Entity).ToList();
            foreach (var entry in entries)
                if (!inFlight.Contains(entry.Entity)) entry.State = EntityState.Detached;
            // Detaching a lead that an action step tracked detaches the enrollments that depend on it too, and an
            // enrollment out of the tracker never had its final update written: it stayed claimed, mid-sequence, until
            // its lease ran out and a later pass ran its steps (and actions) again. Just committed, they are unchanged.
            // (One whose lease was lost is not tracked here, and stays out.)
            foreach (var state in tracked)
                if (db.Entry(state).State == EntityState.Detached) db.Attach(state);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = true;
        }
    }

    /// <summary>Writes what the batch changed; an enrollment whose lease another pass has taken over is left to that pass.</summary>
    private async Task SaveFencedAsync(SequencesDbContext db, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Changes are detected once, before the write lock: left on, the audit stamp's look at the entries and the
            // save would each compare every tracked row again.
            db.ChangeTracker.DetectChanges();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var now = clock.GetUtcNow().UtcDateTime;
            now = now.AddTicks(-(now.Ticks % 10)); // microseconds, as the audit stamp stores them
            var sqlite = db.IsSqlite;
            var states = StateWrites.Take(db, now);
            try
            {
                if (sqlite && !db.ChangeTracker.HasChanges())
                {
                    // Nothing left for EF to save: the held rows go through the pass's writer connection.
                    if (!_rows.IsEmpty || !states.IsEmpty)
                        await writes.RunAsync(db, writer => InTransactionAsync(writer, () => WriteHeldAsync(writer, states, now, ct), ct), ct);
                }
                else
                {
                    await writes.RunOnOwnAsync(db, () => CommitAsync(db, states, now, ct), ct);
                    db.ChangeTracker.AcceptAllChanges();
                }
                _rows.Clear();
                states.Accept();
                return;
            }
            catch (DbUpdateConcurrencyException e) when (attempt < 5)
            {
                states.Restore();
                foreach (var entry in e.Entries)
                {
                    logger.LogWarning("Lost the lease on {Entity} {Id}; its update is dropped", entry.Metadata.ClrType.Name, entry.Property("Id").CurrentValue);
                    entry.State = EntityState.Detached;
                }
            }
            catch (LeaseLostException e) when (attempt < 5)
            {
                states.Restore(lost: e.State);
                logger.LogWarning("Lost the lease on {Entity} {Id}; its update is dropped", nameof(LeadSequenceState), e.State.Id);
            }
            catch
            {
                states.Restore();
                throw;
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = true;
            }
        }
    }

    /// <summary>One transaction: the tracked changes (enrollments fenced on their lease, new messages), then the held
    /// log, events and sent updates. A lost lease rolls it all back, so the retry writes each row once.</summary>
    private async Task CommitAsync(SequencesDbContext db, StateWrites states, DateTime now, CancellationToken ct)
    {
        if (_rows.IsEmpty && states.IsEmpty)
        {
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            return;
        }
        await InTransactionAsync(db, async () =>
        {
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            await WriteHeldAsync(db, states, now, ct);
        }, ct);
    }

    /// <summary>The enrollment updates taken from the tracker and the held rows, through <paramref name="db"/>'s
    /// connection and transaction (this worker's own, or the pass's writer).</summary>
    private async Task WriteHeldAsync(SequencesDbContext db, StateWrites states, DateTime now, CancellationToken ct)
    {
        await states.WriteAsync(db, ct);
        await _rows.WriteAsync(db, now, ct);
    }

    private static async Task InTransactionAsync(SequencesDbContext db, Func<Task> write, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await write();
        await transaction.CommitAsync(ct);
    }

    private static string Describe(SendResult result) =>
        result.StatusCode is { } code ? $"{code} {result.Error}" : result.Error ?? result.Outcome.ToString();

    private static Dictionary<string, string> Metadata(params (string Key, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);

    private static string Snake(string? name) => name is null ? "" : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    public async ValueTask DisposeAsync()
    {
        await _sessions.DisposeAsync();
    }
}
