using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Campaigns;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

public sealed record EnrollmentView(
    Guid Id, Guid SequenceId, string SequenceName, Guid? CampaignId, EnrollmentStatus Status, Guid? CurrentStepId,
    int CurrentStepOrder, DateTime? NextActionAt, string? Timezone, DateTime StartedAt, DateTime? CompletedAt, string? StoppedReason,
    int EmailsSent, int EmailsOpened, int EmailsClicked, int EmailsReplied, IReadOnlyList<SequenceExecutionLog> RecentLog, int Version = 1,
    SequenceStatus SequenceStatus = SequenceStatus.Active);

public sealed record EnrollResult(int Enrolled, int AlreadyEnrolled, int Suppressed, int NotMatching);

/// <summary>Enrollments of the current tenant: enroll, pause, resume, skip, and what a person sees of them.</summary>
public sealed class EnrollmentService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public const int RecentLogEntries = 20;

    public async Task<EnrollmentView> EnrollAsync(Guid leadId, Guid? sequenceId, Guid? campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId, ct) ?? throw new NotFoundException("Lead", leadId);
        if (sequenceId is null) throw new InputRejectedException("sequence_id", "required", "sequence_id is required.");
        var sequence = await LoadSequenceAsync(db, sequenceId.Value, ct)
                       ?? throw new InputRejectedException("sequence_id", "unknown_sequence", $"Sequence {sequenceId} does not exist.");
        if (campaignId is { } cid && !await db.Campaigns.AnyAsync(c => c.Id == cid, ct))
            throw new InputRejectedException("campaign_id", "unknown_campaign", $"Campaign {cid} does not exist.");
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence takes no new leads.");
        if (await db.LeadSequenceStates.AnyAsync(s => s.LeadId == leadId && s.SequenceId == sequence.Id, ct))
            throw new ConflictException("This lead is already enrolled in this sequence.");
        if (await IsSuppressedAsync(db, lead, ct))
            throw new ConflictException("This lead unsubscribed, bounced or is suppressed and is never mailed.");

        var tenantZone = await TenantZoneAsync(db, lead.TenantId, ct);
        var state = NewState(db, lead, sequence, campaignId, tenantZone);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(db, state.Id, ct);
    }

    /// <summary>Enrolls chosen leads (the leads page's selection, or the API's list) in one sequence by hand, a chunk at
    /// a time, each chunk its own commit, so a long run can show how far it got. Ids that are no lead of the workspace
    /// refuse the whole call before anything is written; leads already in the sequence, unsubscribed, bounced or
    /// blocked are counted, not failed.</summary>
    public async Task<EnrollResult> EnrollLeadsAsync(Guid sequenceId, IReadOnlyList<Guid>? leadIds, Func<int, Task>? progress = null,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await LoadSequenceAsync(db, sequenceId, ct) ?? throw new NotFoundException("Sequence", sequenceId);
        if (leadIds is null || leadIds.Count == 0) throw new InputRejectedException("lead_ids", "required", "lead_ids must list at least one lead id.");
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence takes no new leads.");
        var distinct = await KnownLeads.RequireAsync(db, leadIds, ct);
        return await EnrollManyAsync(db, sequence, distinct, null, null, ct, progress);
    }

    private const int EnrollChunk = 500;

    /// <summary>Enrolls many leads (a campaign's) in one go: already enrolled, suppressed and non-matching leads are counted, not failed.</summary>
    public async Task<EnrollResult> EnrollManyAsync(SequencesDbContext db, Sequence sequence, IReadOnlyCollection<Guid> leadIds, Guid? campaignId,
        IReadOnlyList<LeadCriterion>? criteria, CancellationToken ct, Func<int, Task>? progress = null)
    {
        var enrolled = 0; var already = 0; var suppressed = 0; var notMatching = 0;
        if (sequence.Status == SequenceStatus.Archived) return new EnrollResult(0, 0, 0, leadIds.Count);
        string? tenantZone = null;
        var done = 0;
        foreach (var chunk in leadIds.Chunk(EnrollChunk))
        {
            var leads = await db.Leads.AsNoTracking().Where(l => chunk.Contains(l.Id)).ToListAsync(ct);
            var existing = (await db.LeadSequenceStates.Where(s => s.SequenceId == sequence.Id && chunk.Contains(s.LeadId)).Select(s => s.LeadId).ToListAsync(ct)).ToHashSet();
            var emails = SuppressionKeys.Of(leads.Select(l => l.Email));
            var blocked = (await db.Suppressions.Where(s => emails.Contains(s.Email)).Select(s => s.Email).ToListAsync(ct)).ToHashSet();
            foreach (var lead in leads)
            {
                if (existing.Contains(lead.Id)) { already++; continue; }
                if (lead.UnsubscribedAt is not null || lead.BouncedAt is not null || SuppressionKeys.Blocks(blocked, lead.Email)) { suppressed++; continue; }
                if (!LeadCriteria.Matches(lead, criteria)) { notMatching++; continue; }
                tenantZone ??= await TenantZoneAsync(db, lead.TenantId, ct) ?? "";
                NewState(db, lead, sequence, campaignId, tenantZone);
                enrolled++;
            }
            await db.SaveChangesAsync(ct);
            DetachSaved(db);
            done += chunk.Length;
            if (progress is not null) await progress(done);
        }
        return new EnrollResult(enrolled, already, suppressed, notMatching);
    }

    public Task<EnrollmentView> PauseAsync(Guid leadId, Guid? sequenceId, CancellationToken ct = default) =>
        ChangeAsync(leadId, sequenceId, (db, state, now) =>
        {
            if (state.Status != EnrollmentStatus.Active) throw new ConflictException($"Only an active enrollment can be paused; this one is {Snake(state.Status)}.");
            state.Status = EnrollmentStatus.Paused;
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "paused", now));
            return Task.CompletedTask;
        }, ct);

    /// <summary>A resumed lead whose time has passed runs at the next pass, inside its window.</summary>
    public Task<EnrollmentView> ResumeAsync(Guid leadId, Guid? sequenceId, CancellationToken ct = default) =>
        ChangeAsync(leadId, sequenceId, (db, state, now) =>
        {
            if (state.Status != EnrollmentStatus.Paused) throw new ConflictException($"Only a paused enrollment can be resumed; this one is {Snake(state.Status)}.");
            state.Status = EnrollmentStatus.Active;
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "resumed", now));
            return Task.CompletedTask;
        }, ct);

    /// <summary>"Snooze until": the enrollment waits until the first business morning on or after <paramref name="until"/>
    /// in the lead's zone, then goes on by itself (<see cref="Snooze"/>). A paused one stays paused.</summary>
    public Task<EnrollmentView> SnoozeAsync(Guid leadId, Guid? sequenceId, DateOnly? until, CancellationToken ct = default) =>
        ChangeAsync(leadId, sequenceId, async (db, state, now) =>
        {
            if (until is not { } day) throw new InputRejectedException("until", "required", "until is required: the day to wait for (e.g. 2026-12-15).");
            if (state.Status is not (EnrollmentStatus.Active or EnrollmentStatus.Paused))
                throw new ConflictException($"Only an active or paused enrollment can be snoozed; this one is {Snake(state.Status)}.");
            if (state.NextActionAt is null)
                throw new ConflictException("Nothing is scheduled for this enrollment, so there is nothing to snooze (see queue health for a send whose outcome is unknown).");
            var sequence = await LoadSequenceAsync(db, state.SequenceId, ct) ?? throw new NotFoundException("Sequence", state.SequenceId);
            var lead = await db.Leads.AsNoTracking().FirstAsync(l => l.Id == state.LeadId, ct);
            var zone = EnrollmentMapping.Zone(lead, sequence.Settings, await TenantZoneAsync(db, state.TenantId, ct));
            var snooze = Snooze.Until(day, now, zone, sequence.Settings, lead.Country);
            if (snooze.ResumeAt is not { } resumeAt) throw new InputRejectedException("until", "out_of_range", snooze.Problem!);
            if (state.NextActionAt < resumeAt) state.NextActionAt = resumeAt; // never earlier than it was going to run
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, Snooze.LogAction, now, metadata: new()
            {
                ["until"] = state.NextActionAt.Value.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["timezone"] = zone.Id,
            }));
        }, ct);

    public Task<EnrollmentView> SkipStepAsync(Guid leadId, Guid? sequenceId, CancellationToken ct = default) =>
        ChangeAsync(leadId, sequenceId, async (db, state, now) =>
        {
            if (state.Status is EnrollmentStatus.Completed or EnrollmentStatus.Stopped)
                throw new ConflictException("This enrollment has ended; there is no step to skip.");
            var sequence = await LoadSequenceAsync(db, state.SequenceId, ct) ?? throw new NotFoundException("Sequence", state.SequenceId);
            var lead = await db.Leads.FirstAsync(l => l.Id == state.LeadId, ct);
            var zone = EnrollmentMapping.Zone(lead, sequence.Settings, await TenantZoneAsync(db, state.TenantId, ct));
            var cursor = EnrollmentMapping.Cursor(state);
            var log = new List<EngineLogEntry>();
            EnrollmentEngine.Skip(cursor, EnrollmentMapping.Plan(sequence, state.Version), new EngineContext(now, zone, lead.Id, [], HolidayCalendar.For(lead.Country)), log);
            EnrollmentMapping.Apply(cursor, state, now);
            db.ExecutionLog.AddRange(log.Select(e => EnrollmentMapping.Log(state, e, e.ActionType == "step_skipped" ? LogResult.Skipped : LogResult.Success)));
        }, ct);

    public async Task<IReadOnlyList<EnrollmentView>> ListForLeadAsync(Guid leadId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct)) throw new NotFoundException("Lead", leadId);
        var ids = await db.LeadSequenceStates.Where(s => s.LeadId == leadId).OrderBy(s => s.CreatedAt).Select(s => s.Id).ToListAsync(ct);
        var views = new List<EnrollmentView>();
        foreach (var id in ids) views.Add(await ViewAsync(db, id, ct));
        return views;
    }

    private async Task<EnrollmentView> ChangeAsync(Guid leadId, Guid? sequenceId, Func<SequencesDbContext, LeadSequenceState, DateTime, Task> change, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Leads.AnyAsync(l => l.Id == leadId, ct)) throw new NotFoundException("Lead", leadId);
        if (sequenceId is null) throw new InputRejectedException("sequence_id", "required", "sequence_id is required.");
        var state = await db.LeadSequenceStates.FirstOrDefaultAsync(s => s.LeadId == leadId && s.SequenceId == sequenceId, ct)
                    ?? throw new InputRejectedException("sequence_id", "not_enrolled", $"The lead is not enrolled in sequence {sequenceId}.");
        if (state.LeaseUntil > clock.GetUtcNow().UtcDateTime)
            throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        await change(db, state, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The scheduler is working on this enrollment right now; try again in a moment.");
        }
        return await ViewAsync(db, state.Id, ct);
    }

    /// <summary>Saved enrollments and their log rows leave the change tracker, so that every chunk's save scans only
    /// its own rows, not all those of the chunks before it.</summary>
    private static void DetachSaved(SequencesDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is LeadSequenceState or SequenceExecutionLog).ToList())
            entry.State = EntityState.Detached;
    }

    private LeadSequenceState NewState(SequencesDbContext db, Lead lead, Sequence sequence, Guid? campaignId, string? tenantZone)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var state = new LeadSequenceState
        {
            Id = RowIds.New(), // time-ordered: a pass's messages (keyed by state) then land on neighbouring index pages
            TenantId = lead.TenantId, LeadId = lead.Id, SequenceId = sequence.Id, CampaignId = campaignId,
            Version = sequence.Version, StartedAt = now, Status = EnrollmentStatus.Active,
        };
        var cursor = new EnrollmentCursor();
        var log = new List<EngineLogEntry>();
        var zone = EnrollmentMapping.Zone(lead, sequence.Settings, tenantZone);
        EnrollmentEngine.Enroll(cursor, EnrollmentMapping.Plan(sequence), new EngineContext(now, zone, lead.Id, [], HolidayCalendar.For(lead.Country)), now, log);
        EnrollmentMapping.Apply(cursor, state, now);
        db.LeadSequenceStates.Add(state);
        db.ExecutionLog.Add(EnrollmentMapping.Log(state, "enrolled", now, metadata: campaignId is { } c ? new() { ["campaign_id"] = c.ToString() } : null));
        db.ExecutionLog.AddRange(log.Select(e => EnrollmentMapping.Log(state, e)));
        return state;
    }

    /// <summary>After the lead's time zone or country changed: each scheduled email of its enrollments moves into the
    /// send window as it now falls (<see cref="EnrollmentEngine.Rezone"/>). An enrollment a pass holds right now is left
    /// to that pass, which checks the window when it sends. The caller saves.</summary>
    internal static async Task RezoneAsync(SequencesDbContext db, IReadOnlyCollection<Lead> leads, DateTime now, CancellationToken ct)
    {
        if (leads.Count == 0) return;
        var byId = leads.ToDictionary(l => l.Id);
        var ids = byId.Keys.ToList();
        var states = await db.LeadSequenceStates
            .Where(s => ids.Contains(s.LeadId) && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused)
                        && s.NextActionAt > now && (s.LeaseUntil == null || s.LeaseUntil <= now))
            .ToListAsync(ct);
        if (states.Count == 0) return;
        var tenantZone = await TenantZoneAsync(db, states[0].TenantId, ct);
        foreach (var group in states.GroupBy(s => s.SequenceId))
        {
            if (await LoadSequenceAsync(db, group.Key, ct) is not { } sequence) continue;
            foreach (var state in group)
            {
                var lead = byId[state.LeadId];
                var context = new EngineContext(now, EnrollmentMapping.Zone(lead, sequence.Settings, tenantZone), lead.Id, [], HolidayCalendar.For(lead.Country));
                var cursor = EnrollmentMapping.Cursor(state);
                var log = new List<EngineLogEntry>();
                if (!EnrollmentEngine.Rezone(cursor, EnrollmentMapping.Plan(sequence, state.Version), context, log)) continue;
                EnrollmentMapping.Apply(cursor, state, now);
                db.ExecutionLog.AddRange(log.Select(e => EnrollmentMapping.Log(state, e, LogResult.Skipped)));
            }
        }
    }

    internal static Task<Sequence?> LoadSequenceAsync(SequencesDbContext db, Guid id, CancellationToken ct) =>
        db.Sequences.Include(s => s.Steps).ThenInclude(s => s.Variants).AsSplitQuery().FirstOrDefaultAsync(s => s.Id == id, ct);

    internal static Task<string?> TenantZoneAsync(SequencesDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Tenants.Where(t => t.Id == tenantId).Select(t => t.DefaultTimezone).FirstOrDefaultAsync(ct);

    private static async Task<bool> IsSuppressedAsync(SequencesDbContext db, Lead lead, CancellationToken ct) =>
        lead.UnsubscribedAt is not null || lead.BouncedAt is not null || await IsBlockedAsync(db, lead.Email, ct);

    /// <summary>Whether the workspace's blocked list names the address or its domain.</summary>
    internal static Task<bool> IsBlockedAsync(SequencesDbContext db, string email, CancellationToken ct)
    {
        var keys = SuppressionKeys.Of(email).ToList();
        return db.Suppressions.AnyAsync(s => keys.Contains(s.Email), ct);
    }

    private async Task<EnrollmentView> ViewAsync(SequencesDbContext db, Guid stateId, CancellationToken ct)
    {
        var state = await db.LeadSequenceStates.AsNoTracking().FirstAsync(s => s.Id == stateId, ct);
        var sequence = await db.Sequences.Where(s => s.Id == state.SequenceId).Select(s => new { s.Name, s.Settings, s.Status }).FirstAsync(ct);
        var lead = await db.Leads.AsNoTracking().FirstAsync(l => l.Id == state.LeadId, ct);
        var zone = EnrollmentMapping.Zone(lead, sequence.Settings, await TenantZoneAsync(db, state.TenantId, ct));
        var log = await db.ExecutionLog.AsNoTracking().Where(l => l.LeadId == state.LeadId && l.SequenceId == state.SequenceId)
            .OrderByDescending(l => l.ExecutedAt).Take(RecentLogEntries).ToListAsync(ct);
        return new EnrollmentView(state.Id, state.SequenceId, sequence.Name, state.CampaignId, state.Status, state.CurrentStepId,
            state.CurrentStepOrder, state.NextActionAt, zone.Id, state.StartedAt, state.CompletedAt, state.StoppedReason,
            state.EmailsSent, state.EmailsOpened, state.EmailsClicked, state.EmailsReplied, log, state.Version, sequence.Status);
    }

    private static string Snake(EnrollmentStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}
