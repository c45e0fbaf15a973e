using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>A message whose send attempt may or may not have reached the relay, with what a person needs to decide.</summary>
public sealed record UnknownOutcome(
    Guid MessageId, Guid LeadId, string ToAddress, Guid SequenceId, string SequenceName, Guid StepId, int? StepOrder, string? Subject,
    int Attempts, string? LastError, DateTime UpdatedAt, string RfcMessageId);

/// <summary>The two decisions on a message with an unknown outcome (DESIGN §3 "no duplicates, nothing lost"): the engine never
/// re-sends one by itself, a person looks (at the relay's logs, the recipient's inbox) and decides. Both are logged.</summary>
public sealed class UnknownOutcomeService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, TimeProvider clock)
{
    public async Task<IReadOnlyList<UnknownOutcome>> ListAsync(int take = 200, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.OutboundMessages.AsNoTracking().Where(m => m.Status == OutboundStatus.Unknown)
            .OrderBy(m => m.UpdatedAt).Take(take)
            .Join(db.Sequences.AsNoTracking(), m => m.SequenceId, s => s.Id, (m, s) => new { m, SequenceName = s.Name })
            .Select(x => new UnknownOutcome(x.m.Id, x.m.LeadId, x.m.ToAddress, x.m.SequenceId, x.SequenceName, x.m.StepId,
                db.SequenceSteps.Where(st => st.Id == x.m.StepId).Select(st => (int?)st.StepOrder).FirstOrDefault(),
                x.m.Subject, x.m.Attempts, x.m.LastError, x.m.UpdatedAt, x.m.MessageId))
            .ToListAsync(ct);
    }

    /// <summary>It did go out: the message counts as sent (counters, a sent event) and the enrollment moves on as after any send.</summary>
    public async Task MarkSentAsync(Guid messageId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (message, state) = await LoadAsync(db, messageId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        message.Status = OutboundStatus.Sent;
        message.SentAt = now;
        message.LeaseOwner = null;
        message.LeaseUntil = null;
        db.EngagementEvents.Add(new EngagementEvent
        {
            TenantId = message.TenantId, LeadId = message.LeadId, MessageId = message.Id, SequenceId = message.SequenceId, StepId = message.StepId,
            Type = EngagementType.Sent, OccurredAt = now, Metadata = new() { ["decision"] = "marked_sent" },
        });
        if (state is not null)
        {
            state.EmailsSent++;
            var sequence = await EnrollmentService.LoadSequenceAsync(db, state.SequenceId, ct) ?? throw new NotFoundException("Sequence", state.SequenceId);
            var step = sequence.Steps.FirstOrDefault(s => s.Id == message.StepId);
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "unknown_outcome_marked_sent", now, step, metadata: Decision(message)));
            // Only an enrollment still parked on this email moves on; one that was skipped or stopped meanwhile stays where it is.
            if (state.CurrentStepId == message.StepId && state.Status is EnrollmentStatus.Active or EnrollmentStatus.Paused)
            {
                var lead = await db.Leads.FirstAsync(l => l.Id == state.LeadId, ct);
                var zone = EnrollmentMapping.Zone(lead, sequence.Settings, await EnrollmentService.TenantZoneAsync(db, state.TenantId, ct));
                var cursor = EnrollmentMapping.Cursor(state);
                var log = new List<EngineLogEntry>();
                EnrollmentEngine.StepDone(cursor, EnrollmentMapping.Plan(sequence, state.Version), new EngineContext(now, zone, lead.Id, [], HolidayCalendar.For(lead.Country)), now, log);
                EnrollmentMapping.Apply(cursor, state, now);
                db.ExecutionLog.AddRange(log.Select(e => EnrollmentMapping.Log(state, e)));
            }
        }
        await SaveAsync(db, ct);
    }

    /// <summary>It did not go out: the message is queued again (attempts kept) and the enrollment is due now, so the next pass sends it.</summary>
    public async Task SendAgainAsync(Guid messageId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (message, state) = await LoadAsync(db, messageId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        message.Status = OutboundStatus.Queued;
        message.NextAttemptAt = null;
        message.LeaseOwner = null;
        message.LeaseUntil = null;
        if (state is not null)
        {
            SequenceStep? step = await db.SequenceSteps.FirstOrDefaultAsync(s => s.Id == message.StepId, ct);
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "unknown_outcome_send_again", now, step, metadata: Decision(message)));
            if (state.CurrentStepId == message.StepId && state.Status is EnrollmentStatus.Active or EnrollmentStatus.Paused)
                state.NextActionAt = now;
        }
        await SaveAsync(db, ct);
    }

    private async Task<(OutboundMessage Message, LeadSequenceState? State)> LoadAsync(SequencesDbContext db, Guid messageId, CancellationToken ct)
    {
        var message = await db.OutboundMessages.FirstOrDefaultAsync(m => m.Id == messageId, ct) ?? throw new NotFoundException("Message", messageId);
        if (message.Status != OutboundStatus.Unknown)
            throw new ConflictException($"This message is {message.Status.ToString().ToLowerInvariant()}, not of unknown outcome; there is nothing to decide.");
        var state = await db.LeadSequenceStates.FirstOrDefaultAsync(s => s.Id == message.StateId, ct);
        if (state?.LeaseUntil > clock.GetUtcNow().UtcDateTime)
            throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        return (message, state);
    }

    private Dictionary<string, string> Decision(OutboundMessage message)
    {
        var metadata = new Dictionary<string, string> { ["message_id"] = message.MessageId, ["attempts"] = message.Attempts.ToString() };
        if (tenant.UserId is { } user) metadata["decided_by"] = user.ToString();
        return metadata;
    }

    private static async Task SaveAsync(SequencesDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        }
    }
}
