using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sequences.Core.Engine;
using Sequences.Core.Replies;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Replies;

/// <summary>
/// Out-of-office auto-resume: when an auto-reply names a return date, the lead's running enrollments wait until the
/// first business morning the lead is back, in the lead's zone, and then go on by themselves. The enrollment stays
/// <c>active</c> and only its <c>next_action_at</c> moves: the queue pass already runs nothing before that, so no
/// second pause/resume mechanism is needed, and a person's own pause or resume still works on top of it. The move is
/// logged as <c>ooo_paused_until</c>.
/// </summary>
public sealed class OutOfOfficeHold(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, ILogger<OutOfOfficeHold> logger)
{
    public const string LogAction = "ooo_paused_until";

    /// <summary>The return date in the mail's subject or own text, read relative to the day it was sent (its Date
    /// header, in the sender's offset), else to today.</summary>
    public ReturnDate? Read(InboundMail mail)
    {
        var received = mail.Date is { } date ? DateOnly.FromDateTime(date.DateTime) : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return ReturnDateParser.Parse($"{mail.Subject}\n{mail.Text}", received);
    }

    /// <summary>Moves each active or paused enrollment of the lead that would run earlier to the lead's first business
    /// morning back. Returns how many moved.</summary>
    public async Task<int> HoldAsync(Guid tenantId, Guid leadId, ReturnDate returnDate, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId && l.TenantId == tenantId, ct);
        if (lead is null) return 0;
        // A state the scheduler holds right now is left alone: its pass would overwrite the new time.
        var states = await db.LeadSequenceStates.IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.LeadId == leadId && s.NextActionAt != null
                        && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused)
                        && (s.LeaseUntil == null || s.LeaseUntil <= now))
            .ToListAsync(ct);
        if (states.Count == 0) return 0;
        var sequenceIds = states.Select(s => s.SequenceId).Distinct().ToList();
        var settings = await db.Sequences.IgnoreQueryFilters().Where(q => q.TenantId == tenantId && sequenceIds.Contains(q.Id))
            .ToDictionaryAsync(q => q.Id, q => q.Settings, ct);
        var tenantZone = await EnrollmentService.TenantZoneAsync(db, tenantId, ct);

        var held = 0;
        foreach (var state in states)
        {
            if (!settings.TryGetValue(state.SequenceId, out var sequenceSettings)) continue;
            var zone = EnrollmentMapping.Zone(lead, sequenceSettings, tenantZone);
            var resumeAt = OutOfOfficeResume.At(returnDate.FirstDayBack, zone, sequenceSettings.SendWindow,
                Schedule.HolidaysFor(sequenceSettings, lead.Country));
            // Already back, or the next step is later anyway: nothing to hold.
            if (resumeAt <= now || state.NextActionAt >= resumeAt) continue;
            state.NextActionAt = resumeAt;
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, LogAction, now, metadata: new()
            {
                ["until"] = resumeAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["return_date"] = returnDate.FirstDayBack.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["phrase"] = returnDate.Phrase.Length > 200 ? returnDate.Phrase[..200] : returnDate.Phrase,
                ["timezone"] = zone.Id,
            }));
            held++;
        }
        if (held == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A pass claimed one of them meanwhile; the reply is recorded, the hold is not worth a retry loop.
            logger.LogWarning("Out-of-office hold for lead {LeadId} lost a race with the scheduler; enrollments keep their times", leadId);
            return 0;
        }
        logger.LogInformation("Lead {LeadId} is out of office until {ReturnDate} ({Phrase}); {Held} enrollment(s) wait until then",
            leadId, returnDate.FirstDayBack, returnDate.Phrase, held);
        return held;
    }
}
