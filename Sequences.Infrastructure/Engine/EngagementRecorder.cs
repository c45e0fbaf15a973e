using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

public sealed record EngagementInput(
    Guid TenantId, Guid LeadId, EngagementType Type, Guid? OutboundMessageId = null, DateTime? OccurredAt = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

public sealed record EngagementResult(Guid EventId, bool FirstOfItsKind, int EnrollmentsStopped);

/// <summary>The one way an engagement enters the system (tracking pixel, click, unsubscribe, reply, bounce):
/// stores the event, keeps the enrollment counters in step, and applies auto-stop and suppression.</summary>
public sealed class EngagementRecorder(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public async Task<EngagementResult> RecordAsync(EngagementInput input, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var at = input.OccurredAt ?? now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.IgnoreQueryFilters().FirstOrDefaultAsync(l => l.Id == input.LeadId && l.TenantId == input.TenantId, ct)
                   ?? throw new Core.Common.NotFoundException("Lead", input.LeadId);
        var message = input.OutboundMessageId is { } mid
            ? await db.OutboundMessages.IgnoreQueryFilters().FirstOrDefaultAsync(m => m.Id == mid && m.TenantId == input.TenantId, ct)
            : null;

        var first = message is null || !await db.EngagementEvents.IgnoreQueryFilters()
            .AnyAsync(e => e.MessageId == message.Id && e.Type == input.Type, ct);
        var evt = new EngagementEvent
        {
            TenantId = input.TenantId,
            LeadId = lead.Id,
            MessageId = message?.Id,
            SequenceId = message?.SequenceId,
            StepId = message?.StepId,
            Type = input.Type,
            OccurredAt = at,
            Metadata = input.Metadata?.ToDictionary() ?? [],
        };
        db.EngagementEvents.Add(evt);

        var states = await db.LeadSequenceStates.IgnoreQueryFilters()
            .Where(s => s.TenantId == input.TenantId && s.LeadId == lead.Id).ToListAsync(ct);
        var messageState = message is null ? null : states.FirstOrDefault(s => s.Id == message.StateId);
        if (messageState is not null && first)
        {
            switch (input.Type)
            {
                case EngagementType.Opened: messageState.EmailsOpened++; break;
                case EngagementType.Clicked:
                    messageState.EmailsClicked++;
                    // A click counts as an open: the pixel may have been blocked.
                    if (!await db.EngagementEvents.IgnoreQueryFilters().AnyAsync(e => e.MessageId == message!.Id && e.Type == EngagementType.Opened, ct))
                        messageState.EmailsOpened++;
                    break;
                case EngagementType.Replied: messageState.EmailsReplied++; break;
            }
        }
        if (input.Type == EngagementType.Replied && messageState is null)
            foreach (var s in states.Where(s => s.Status is EnrollmentStatus.Active or EnrollmentStatus.Paused)) s.EmailsReplied++;

        var stopped = 0;
        var reason = input.Type switch
        {
            EngagementType.Replied => "replied",
            EngagementType.Unsubscribed => "unsubscribed",
            EngagementType.Bounced => "bounced",
            _ => null,
        };
        if (reason is not null)
        {
            var sequenceIds = states.Select(s => s.SequenceId).Distinct().ToList();
            var stopOnReply = await db.Sequences.IgnoreQueryFilters().Where(q => sequenceIds.Contains(q.Id))
                .ToDictionaryAsync(q => q.Id, q => q.Settings.StopOnReply, ct);
            foreach (var state in states.Where(s => s.Status is EnrollmentStatus.Active or EnrollmentStatus.Paused))
            {
                if (reason == "replied" && !stopOnReply.GetValueOrDefault(state.SequenceId, true)) continue;
                state.Status = EnrollmentStatus.Stopped;
                state.StoppedReason = reason;
                state.CompletedAt = now;
                state.NextActionAt = null;
                stopped++;
                db.ExecutionLog.Add(new SequenceExecutionLog
                {
                    TenantId = input.TenantId, LeadId = lead.Id, SequenceId = state.SequenceId, StepId = null,
                    ActionType = "auto_stopped", ActionResult = LogResult.Success, ExecutedAt = now,
                    Metadata = new() { ["reason"] = reason, ["event_id"] = evt.Id.ToString() },
                });
            }
        }
        if (input.Type == EngagementType.Replied) await NotifyReplyAsync(db, input.TenantId, lead, message?.SequenceId ?? states.FirstOrDefault()?.SequenceId, now, ct);
        if (input.Type is EngagementType.Unsubscribed or EngagementType.Bounced)
        {
            if (input.Type == EngagementType.Unsubscribed) lead.UnsubscribedAt ??= at;
            else lead.BouncedAt ??= at;
            var email = lead.Email;
            if (!await db.Suppressions.IgnoreQueryFilters().AnyAsync(s => s.TenantId == input.TenantId && s.Email == email, ct))
                db.Suppressions.Add(new Suppression { TenantId = input.TenantId, Email = email, Reason = reason!, CreatedAt = now });
        }
        await db.SaveChangesAsync(ct);
        return new EngagementResult(evt.Id, first, stopped);
    }

    /// <summary>A reply is what the whole sequence worked for: its owner hears of it in the app's bell (everyone,
    /// when the sequence has no owner or the reply matched no sequence), not only by a "Notify me" step.</summary>
    private static async Task NotifyReplyAsync(SequencesDbContext db, Guid tenantId, Core.Leads.Lead lead, Guid? sequenceId, DateTime now, CancellationToken ct)
    {
        var sequence = sequenceId is { } id
            ? await db.Sequences.IgnoreQueryFilters().Where(s => s.Id == id && s.TenantId == tenantId).Select(s => new { s.Name, s.UserId }).FirstOrDefaultAsync(ct)
            : null;
        db.Notifications.Add(new Notification
        {
            TenantId = tenantId, UserId = sequence?.UserId, LeadId = lead.Id, SequenceId = sequence is null ? null : sequenceId, CreatedAt = now,
            Message = sequence is null ? $"{lead.Email} replied." : $"{lead.Email} replied to \"{sequence.Name}\".",
        });
    }
}
