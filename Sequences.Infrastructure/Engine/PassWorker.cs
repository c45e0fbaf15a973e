using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>One worker of a pass: processes claimed batches with its own DbContext and one mail session.</summary>
internal sealed class PassWorker(
    IServiceProvider services,
    string owner,
    EngineOptions options,
    IConfiguration configuration,
    TimeProvider clock,
    PassCounters counters,
    ConcurrentDictionary<Guid, SequenceRuntime> runtimes,
    SendPacer pacer,
    ILogger logger) : IAsyncDisposable
{
    private readonly IMailTransport _transport = services.GetRequiredService<IMailTransport>();
    private readonly EmailComposer _composer = services.GetRequiredService<EmailComposer>();
    private readonly ActionRunner _actions = services.GetRequiredService<ActionRunner>();
    private readonly TrackingLinks _links = services.GetRequiredService<TrackingLinks>();
    private readonly MimeMessageFactory _messages = services.GetRequiredService<MimeMessageFactory>();
    private IMailSession? _session;

    public async Task ProcessBatchAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync(ct);
        var batch = await BatchData.LoadAsync(db, ids, owner, ct);
        foreach (var state in batch.States)
        {
            try
            {
                var runtime = await RuntimeAsync(db, state.SequenceId, ct);
                await RunEnrollmentAsync(db, batch, state, runtime, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken enrollment must not hold up the batch: log it and retry it later.
                logger.LogError(e, "Enrollment {StateId} of lead {LeadId} in sequence {SequenceId} failed", state.Id, state.LeadId, state.SequenceId);
                var now = clock.GetUtcNow().UtcDateTime;
                state.NextActionAt = now + EngineOptions.RetryBackoff[0];
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "engine_error", now, error: e.Message, result: LogResult.Failed));
            }
            state.LeaseOwner = null;
            state.LeaseUntil = null;
        }
        counters.AddProcessed(batch.States.Count);
        await SaveFencedAsync(db, ct);
    }

    private async Task RunEnrollmentAsync(SequencesDbContext db, BatchData batch, LeadSequenceState state, SequenceRuntime runtime, CancellationToken ct)
    {
        var lead = batch.Leads[state.LeadId];
        var zone = EnrollmentMapping.Zone(lead, runtime.Sequence.Settings, runtime.TenantZone);
        var facts = batch.FactsFor(state);
        var cursor = EnrollmentMapping.Cursor(state);
        var log = new List<EngineLogEntry>();
        EngineContext Context() => new(clock.GetUtcNow().UtcDateTime, zone, lead.Id, facts);

        for (var guard = 0; guard < 1000; guard++)
        {
            var action = EnrollmentEngine.Next(cursor, runtime.Plan, Context(), log);
            if (action is SendEmail send)
            {
                var outcome = await SendAsync(db, batch, state, lead, runtime, send, cursor, facts, ct);
                if (outcome == StepOutcome.Done) EnrollmentEngine.StepDone(cursor, runtime.Plan, Context(), clock.GetUtcNow().UtcDateTime, log);
                if (outcome == StepOutcome.Halt) break;
                continue;
            }
            if (action is RunAction run)
            {
                var result = await _actions.RunAsync(db, run.Step, lead, state, runtime.Sequence.UserId, runtime.WebhookSecret, ct);
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "action_run", clock.GetUtcNow().UtcDateTime, run.Step,
                    result.Success ? LogResult.Success : LogResult.Failed, result.Error,
                    new Dictionary<string, string>(result.Metadata) { ["action_type"] = Snake(run.Step.ActionType?.ToString()) }));
                EnrollmentEngine.StepDone(cursor, runtime.Plan, Context(), clock.GetUtcNow().UtcDateTime, log);
                continue;
            }
            break; // Wait or Finish: the cursor holds the outcome.
        }
        EnrollmentMapping.Apply(cursor, state, clock.GetUtcNow().UtcDateTime);
        if (cursor.Finished)
            log.Add(new EngineLogEntry(cursor.Stopped ? "stopped" : "completed", null, null, clock.GetUtcNow().UtcDateTime,
                cursor.StoppedReason is { } r ? new Dictionary<string, string> { ["reason"] = r } : new Dictionary<string, string>()));
        db.ExecutionLog.AddRange(log.Select(e => EnrollmentMapping.Log(state, e)));
    }

    private enum StepOutcome { Done, Halt }

    private async Task<StepOutcome> SendAsync(SequencesDbContext db, BatchData batch, LeadSequenceState state, Lead lead, SequenceRuntime runtime,
        SendEmail send, EnrollmentCursor cursor, List<EngagementFact> facts, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var step = send.Step;
        if (batch.IsSuppressed(lead))
        {
            EnrollmentEngine.Stop(cursor, lead.UnsubscribedAt is not null ? "unsubscribed" : lead.BouncedAt is not null ? "bounced" : "suppressed");
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "email_suppressed", now, step, LogResult.Skipped));
            return StepOutcome.Halt;
        }

        var key = $"{state.Id:N}:{step.Id:N}";
        var message = batch.Message(state.Id, step.Id);
        if (message is null or { Status: OutboundStatus.Queued })
        {
            // Caps and spacing: the mail waits, visibly, instead of going out.
            var hold = await pacer.ReserveAsync(db, runtime, lead, now, ct);
            if (hold is not null)
            {
                cursor.NextActionAt = hold.Until;
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "send_deferred", now, step, LogResult.Skipped, metadata: new()
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
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "send_outcome_unknown", now, step, LogResult.Failed, "The outcome of the last send attempt is unknown; not re-sent automatically."));
                return StepOutcome.Halt;
        }

        var variant = send.Variant;
        if (message is null)
        {
            message = new OutboundMessage
            {
                TenantId = state.TenantId, IdempotencyKey = key, MessageId = MessageIds.FromIdempotencyKey(key, MessageIds.DomainOf(runtime.FromAddress)),
                StateId = state.Id, LeadId = lead.Id, SequenceId = state.SequenceId, StepId = step.Id, Variant = variant?.Variant,
                ToAddress = lead.Email, FromAddress = runtime.FromAddress,
            };
            db.OutboundMessages.Add(message);
            batch.Remember(message);
        }
        else if (message.Variant is { } chosen)
        {
            variant = step.Variants.FirstOrDefault(v => v.Variant == chosen) ?? variant; // retries keep the first choice
        }

        OutgoingEmail email;
        MimeKit.MimeMessage mime;
        try
        {
            email = _composer.Compose(step, variant, lead, runtime, runtime.CampaignName ?? batch.CampaignName(state.CampaignId), key,
                _links.UnsubscribeUrl(state.TenantId, message.Id, lead.Id));
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
        await SaveFencedAsync(db, ct); // committed as "sending" before the SMTP call: a crash now can never cause a second send

        _session ??= await _transport.OpenAsync(ct);
        var result = await _session.SendAsync(mime, ct);
        now = clock.GetUtcNow().UtcDateTime;
        message.LeaseOwner = null;
        message.LeaseUntil = null;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                message.Status = OutboundStatus.Sent;
                message.SentAt = now;
                message.LastError = null;
                state.EmailsSent++;
                counters.AddSent();
                facts.Add(new EngagementFact(EngagementType.Sent, step.Id, now));
                db.EngagementEvents.Add(new EngagementEvent
                {
                    TenantId = state.TenantId, LeadId = lead.Id, MessageId = message.Id, SequenceId = state.SequenceId, StepId = step.Id,
                    Type = EngagementType.Sent, OccurredAt = now,
                });
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "email_sent", now, step, metadata: Metadata(("variant", message.Variant), ("message_id", message.MessageId), ("subject", message.Subject))));
                return StepOutcome.Done;

            case SendOutcome.TransientFailure when message.Attempts <= EngineOptions.RetryBackoff.Length:
                var retryAt = now + EngineOptions.RetryBackoff[message.Attempts - 1];
                message.Status = OutboundStatus.Queued;
                message.NextAttemptAt = retryAt;
                message.LastError = Describe(result);
                cursor.NextActionAt = retryAt;
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "send_retry", now, step, LogResult.Failed, message.LastError,
                    Metadata(("attempt", message.Attempts.ToString()), ("retry_at", retryAt.ToString("O")))));
                return StepOutcome.Halt;

            case SendOutcome.Unknown:
                message.Status = OutboundStatus.Unknown;
                message.LastError = Describe(result);
                cursor.NextActionAt = null;
                db.ExecutionLog.Add(EnrollmentMapping.Log(state, "send_outcome_unknown", now, step, LogResult.Failed, message.LastError));
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
        counters.AddFailed();
        db.ExecutionLog.Add(EnrollmentMapping.Log(state, "email_failed", now, step, LogResult.Failed, error));
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
        var ownerUser = sequence.UserId is { } uid
            ? await db.Users.AsNoTracking().Where(u => u.Id == uid).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(ct)
            : null;
        var mailbox = sequence.UserId is { } mid
            ? await db.Mailboxes.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(m => m.UserId == mid && m.TenantId == sequence.TenantId, ct)
            : null;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == sequence.TenantId, ct);
        var runtime = new SequenceRuntime(sequence, EnrollmentMapping.Plan(sequence),
            ownerUser?.DisplayName ?? ownerUser?.Email, ownerUser?.Email,
            mailbox?.FromAddress ?? configuration["Email:DefaultFrom"] ?? "sequences@localhost",
            mailbox?.DisplayName ?? ownerUser?.DisplayName,
            tenant.DefaultTimezone, tenant.WebhookSecret, mailbox);
        return runtimes.GetOrAdd(sequenceId, runtime);
    }

    /// <summary>Writes what the batch changed; an enrollment whose lease another pass has taken over is left to that pass.</summary>
    private async Task SaveFencedAsync(SequencesDbContext db, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException e) when (attempt < 5)
            {
                foreach (var entry in e.Entries)
                {
                    logger.LogWarning("Lost the lease on {Entity} {Id}; its update is dropped", entry.Metadata.ClrType.Name, entry.Property("Id").CurrentValue);
                    entry.State = EntityState.Detached;
                }
            }
        }
    }

    private static string Describe(SendResult result) =>
        result.StatusCode is { } code ? $"{code} {result.Error}" : result.Error ?? result.Outcome.ToString();

    private static Dictionary<string, string> Metadata(params (string Key, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);

    private static string Snake(string? name) => name is null ? "" : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    public async ValueTask DisposeAsync()
    {
        if (_session is not null) await _session.DisposeAsync();
    }
}
