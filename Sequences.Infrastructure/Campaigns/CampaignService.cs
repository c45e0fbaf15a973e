using Microsoft.EntityFrameworkCore;
using Sequences.Core.Campaigns;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Campaigns;

public sealed record CampaignDetails(Campaign Campaign, int LeadCount, IReadOnlyList<Guid> SequenceIds);

public sealed record AddLeadsResult(int Added, int AlreadyInCampaign, int LeadCount, int Enrolled);

public sealed record AssignSequenceInput(Guid? SequenceId, bool EnrollExisting, List<LeadCriterion>? Criteria);

public sealed record AssignmentResult(Guid CampaignId, Guid SequenceId, bool EnrollExisting, IReadOnlyList<LeadCriterion>? Criteria, DateTime CreatedAt,
    DateTime? RemovedAt, EnrollResult? Enrollment);

public sealed class CampaignService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, EnrollmentService enrollments)
{
    public const int MaxLeadsPerCall = 10_000;

    public async Task<Page<CampaignDetails>> ListAsync(PageRequest request, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Campaigns.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            query = query.Where(c => c.Name.ToLower().Contains(q));
        }
        var total = await query.CountAsync(ct);
        var campaigns = await query.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(request.Skip).Take(request.PageSize).ToListAsync(ct);
        var items = new List<CampaignDetails>();
        foreach (var campaign in campaigns) items.Add(await DetailsAsync(db, campaign, ct));
        return new Page<CampaignDetails>(items, total, request.Page, request.PageSize);
    }

    public async Task<CampaignDetails> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Campaign", id);
        return await DetailsAsync(db, campaign, ct);
    }

    public async Task<CampaignDetails> CreateAsync(CampaignInput input, CancellationToken ct = default)
    {
        var issues = Validate(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var status = input.SequenceId is { } sequenceId
            ? await db.Sequences.Where(s => s.Id == sequenceId).Select(s => (Core.Sequences.SequenceStatus?)s.Status).FirstOrDefaultAsync(ct)
            : null;
        if (input.SequenceId is { } unknown && status is null)
            issues.Add(ValidationIssue.Error("sequence_id", "unknown_sequence", $"Sequence {unknown} does not exist."));
        await CheckNameFreeAsync(db, input.Name, null, issues, ct);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        // As assign-sequence: otherwise the campaign would look wired up and enroll nobody.
        if (status == Core.Sequences.SequenceStatus.Archived) throw new ConflictException("An archived sequence takes no new leads.");

        var campaign = new Campaign { Name = input.Name!.Trim(), Description = DescriptionOf(input) };
        db.Campaigns.Add(campaign);
        if (input.SequenceId is { } sid)
            db.CampaignSequences.Add(new CampaignSequence { CampaignId = campaign.Id, SequenceId = sid, EnrollExisting = true });
        await db.SaveChangesAsync(ct);
        return await DetailsAsync(db, campaign, ct);
    }

    /// <summary>Renames a campaign or changes its description; its leads and sequences stay as they are.</summary>
    public async Task<CampaignDetails> UpdateAsync(Guid id, CampaignInput input, CancellationToken ct = default)
    {
        var issues = Validate(input);
        if (input.SequenceId is not null)
            issues.Add(ValidationIssue.Error("sequence_id", "not_allowed", "Assign sequences with assign-sequence; an update changes name and description only."));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("Campaign", id);
        await CheckNameFreeAsync(db, input.Name, id, issues, ct);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        campaign.Name = input.Name!.Trim();
        campaign.Description = DescriptionOf(input);
        await db.SaveChangesAsync(ct);
        return await DetailsAsync(db, campaign, ct);
    }

    /// <summary>Campaigns are picked by name (enroll dialogs, filters, the analytics picker), so two with one name
    /// could not be told apart. Letter case does not make a name new.</summary>
    private static async Task CheckNameFreeAsync(SequencesDbContext db, string? name, Guid? self, List<ValidationIssue> issues, CancellationToken ct)
    {
        if (issues.Any(i => i.Field == "name")) return;
        var wanted = name!.Trim().ToLower();
        if (await db.Campaigns.AnyAsync(c => c.Id != self && c.Name.ToLower() == wanted, ct))
            issues.Add(ValidationIssue.Error("name", "duplicate", $"A campaign named '{name.Trim()}' already exists."));
    }

    private static string? DescriptionOf(CampaignInput input) => string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();

    private static List<ValidationIssue> Validate(CampaignInput input)
    {
        var issues = new List<ValidationIssue>();
        if (string.IsNullOrWhiteSpace(input.Name)) issues.Add(ValidationIssue.Error("name", "required", "name is required."));
        else if (input.Name.Length > 200) issues.Add(ValidationIssue.Error("name", "too_long", "name is longer than 200 characters."));
        if (input.Description is { Length: > 4000 }) issues.Add(ValidationIssue.Error("description", "too_long", "description is longer than 4000 characters."));
        return issues;
    }

    /// <summary>Adds leads by id; ids already in the campaign are left as they are. Unknown ids reject the whole call.</summary>
    public async Task<AddLeadsResult> AddLeadsAsync(Guid campaignId, IReadOnlyList<Guid>? leadIds, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) throw new NotFoundException("Campaign", campaignId);
        if (leadIds is null || leadIds.Count == 0) throw new InputRejectedException("lead_ids", "required", "lead_ids must list at least one lead id.");
        if (leadIds.Count > MaxLeadsPerCall) throw new InputRejectedException("lead_ids", "too_many", $"At most {MaxLeadsPerCall} lead ids per call.");

        var distinct = await KnownLeads.RequireAsync(db, leadIds, ct);

        var existing = new HashSet<Guid>();
        foreach (var chunk in distinct.Chunk(500))
            existing.UnionWith(await db.CampaignLeads.Where(c => c.CampaignId == campaignId && chunk.Contains(c.LeadId)).Select(c => c.LeadId).ToListAsync(ct));
        var now = clock.GetUtcNow().UtcDateTime;
        var added = distinct.Where(id => !existing.Contains(id)).ToList();
        db.CampaignLeads.AddRange(added.Select(id => new CampaignLead { CampaignId = campaignId, LeadId = id, AddedAt = now }));
        await db.SaveChangesAsync(ct);

        // New campaign leads enter every sequence still assigned to the campaign (criteria permitting).
        var enrolled = 0;
        foreach (var assignment in await db.CampaignSequences.Where(c => c.CampaignId == campaignId && c.RemovedAt == null).ToListAsync(ct))
        {
            var sequence = await EnrollmentService.LoadSequenceAsync(db, assignment.SequenceId, ct);
            if (sequence is null) continue;
            enrolled += (await enrollments.EnrollManyAsync(db, sequence, added, campaignId, assignment.Criteria, ct)).Enrolled;
        }
        var count = await db.CampaignLeads.CountAsync(c => c.CampaignId == campaignId, ct);
        return new AddLeadsResult(added.Count, existing.Count, count, enrolled);
    }

    /// <summary>Takes a lead out of the campaign: its enrollments that came from the campaign and are still running stop
    /// (reason "removed", logged with the campaign), so it gets none of the campaign's emails any more. Its history
    /// stays. Refused (409, nothing changed) while a pass holds one of those enrollments.</summary>
    /// <returns>How many enrollments stopped.</returns>
    public async Task<int> RemoveLeadAsync(Guid campaignId, Guid leadId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) throw new NotFoundException("Campaign", campaignId);
        var member = await db.CampaignLeads.FirstOrDefaultAsync(c => c.CampaignId == campaignId && c.LeadId == leadId, ct)
                     ?? throw new NotFoundException("Campaign lead", leadId);
        var now = clock.GetUtcNow().UtcDateTime;
        var running = await db.LeadSequenceStates
            .Where(s => s.LeadId == leadId && s.CampaignId == campaignId && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused))
            .ToListAsync(ct);
        if (running.Any(s => s.LeaseUntil > now)) throw new ConflictException("The scheduler is working on this lead right now; try again in a moment.");
        foreach (var state in running)
        {
            (state.Status, state.StoppedReason, state.CompletedAt, state.NextActionAt) = (EnrollmentStatus.Stopped, "removed", now, null);
            db.ExecutionLog.Add(EnrollmentMapping.Log(state, "removed", now, metadata: new() { ["campaign_id"] = campaignId.ToString() }));
        }
        db.CampaignLeads.Remove(member);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The scheduler is working on this lead right now; try again in a moment.");
        }
        return running.Count;
    }

    /// <summary>Assigns a sequence: future campaign leads enter it, and with enroll_existing the current ones too.</summary>
    public async Task<AssignmentResult> AssignSequenceAsync(Guid campaignId, AssignSequenceInput input, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) throw new NotFoundException("Campaign", campaignId);
        var issues = LeadCriteria.Validate(input.Criteria);
        if (input.SequenceId is null) issues.Add(ValidationIssue.Error("sequence_id", "required", "sequence_id is required."));
        var sequence = input.SequenceId is { } sid ? await EnrollmentService.LoadSequenceAsync(db, sid, ct) : null;
        if (input.SequenceId is not null && sequence is null)
            issues.Add(ValidationIssue.Error("sequence_id", "unknown_sequence", $"Sequence {input.SequenceId} does not exist."));
        if (issues.Count > 0) throw new InputRejectedException(issues);
        if (sequence!.Status == Core.Sequences.SequenceStatus.Archived) throw new ConflictException("An archived sequence takes no new leads.");
        if (await db.CampaignSequences.AnyAsync(c => c.CampaignId == campaignId && c.SequenceId == sequence.Id && c.RemovedAt == null, ct))
            throw new ConflictException("This sequence is already assigned to the campaign.");

        var assignment = new CampaignSequence { CampaignId = campaignId, SequenceId = sequence.Id, EnrollExisting = input.EnrollExisting, Criteria = input.Criteria };
        db.CampaignSequences.Add(assignment);
        await db.SaveChangesAsync(ct);
        EnrollResult? result = null;
        if (input.EnrollExisting)
        {
            var leadIds = await db.CampaignLeads.Where(c => c.CampaignId == campaignId).Select(c => c.LeadId).ToListAsync(ct);
            result = await enrollments.EnrollManyAsync(db, sequence, leadIds, campaignId, input.Criteria, ct);
        }
        return ToResult(assignment, result);
    }

    public async Task<IReadOnlyList<AssignmentResult>> ListSequencesAsync(Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) throw new NotFoundException("Campaign", campaignId);
        return (await db.CampaignSequences.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.CreatedAt).ToListAsync(ct))
            .Select(a => ToResult(a, null)).ToList();
    }

    /// <summary>Future leads stop entering; leads already enrolled go on.</summary>
    public async Task RemoveSequenceAsync(Guid campaignId, Guid sequenceId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) throw new NotFoundException("Campaign", campaignId);
        var assignment = await db.CampaignSequences.FirstOrDefaultAsync(c => c.CampaignId == campaignId && c.SequenceId == sequenceId && c.RemovedAt == null, ct)
                         ?? throw new NotFoundException("Campaign sequence", sequenceId);
        assignment.RemovedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    private static AssignmentResult ToResult(CampaignSequence a, EnrollResult? result) =>
        new(a.CampaignId, a.SequenceId, a.EnrollExisting, a.Criteria, a.CreatedAt, a.RemovedAt, result);

    private static async Task<CampaignDetails> DetailsAsync(SequencesDbContext db, Campaign campaign, CancellationToken ct)
    {
        var count = await db.CampaignLeads.CountAsync(c => c.CampaignId == campaign.Id, ct);
        var sequences = await db.CampaignSequences.Where(c => c.CampaignId == campaign.Id && c.RemovedAt == null)
            .Select(c => c.SequenceId).ToListAsync(ct);
        return new CampaignDetails(campaign, count, sequences);
    }
}
