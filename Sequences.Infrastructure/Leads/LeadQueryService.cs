using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

/// <summary>Filters of the leads grid; every one is optional and they combine with AND.</summary>
public sealed record LeadFilter(
    string? Query = null, string? Status = null, string? Tag = null, Guid? CampaignId = null, Guid? SequenceId = null,
    EnrollmentStatus? EnrollmentStatus = null)
{
    public bool IsEmpty => this == new LeadFilter();
}

/// <summary>One enrollment of a sequence as its leads table shows it.</summary>
public sealed record EnrolledLead(
    Guid StateId, Guid LeadId, string Email, string? Name, EnrollmentStatus Status, int CurrentStepOrder, DateTime? NextActionAt,
    string? StoppedReason, int EmailsSent, int EmailsOpened, int EmailsClicked, int EmailsReplied, DateTime StartedAt);

/// <summary>What the dashboards read about leads beyond <see cref="LeadService"/>: filtered lists, ids for bulk actions,
/// the tags in use, and a lead's full log and engagement events.</summary>
public sealed class LeadQueryService(IDbContextFactory<SequencesDbContext> contexts)
{
    public const int MaxHistory = 500;

    /// <summary>One page of the leads matching <paramref name="filter"/> and the search text, which either may carry.</summary>
    public async Task<Page<Lead>> ListAsync(PageRequest request, LeadFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter with { Query = filter.Query ?? request.Query });
        if (filter.Tag is { Length: > 0 } tag)
        {
            // Tags are a JSON column whose SQL shape differs per provider: match them here, then fetch the page by id.
            var ids = await TaggedIdsAsync(query, tag, ct);
            var pageIds = ids.Skip(request.Skip).Take(request.PageSize).ToList();
            var rows = await db.Leads.AsNoTracking().Where(l => pageIds.Contains(l.Id)).ToListAsync(ct);
            return new Page<Lead>(pageIds.Select(id => rows.First(r => r.Id == id)).ToList(), ids.Count, request.Page, request.PageSize);
        }
        var total = await query.CountAsync(ct);
        var items = await query.NewestFirst().Skip(request.Skip).Take(request.PageSize).ToListAsync(ct);
        return new Page<Lead>(items, total, request.Page, request.PageSize);
    }

    /// <summary>Which of these addresses are on the workspace's blocked list (one query for a page of leads): the pass
    /// never mails them, whatever their enrollments say.</summary>
    public async Task<IReadOnlySet<string>> BlockedAmongAsync(IEnumerable<string> emails, CancellationToken ct = default)
    {
        var addresses = emails.Select(EmailAddresses.Normalize).Distinct().ToList();
        if (addresses.Count == 0) return new HashSet<string>();
        var wanted = SuppressionKeys.Of(addresses);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var entries = (await db.Suppressions.AsNoTracking().Where(s => wanted.Contains(s.Email)).Select(s => s.Email).ToListAsync(ct)).ToHashSet();
        return addresses.Where(a => SuppressionKeys.Blocks(entries, a)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Which of these leads have replied (one query for a page of leads): what a person scanning the list
    /// looks for first.</summary>
    public async Task<IReadOnlySet<Guid>> RepliedAmongAsync(IEnumerable<Guid> leadIds, CancellationToken ct = default)
    {
        var ids = leadIds.Distinct().ToList();
        if (ids.Count == 0) return new HashSet<Guid>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await db.EngagementEvents.AsNoTracking().Where(e => ids.Contains(e.LeadId) && e.Type == EngagementType.Replied)
            .Select(e => e.LeadId).Distinct().ToListAsync(ct)).ToHashSet();
    }

    /// <summary>Every lead id matching the filter, newest first (e.g. "add all matching leads to a campaign").</summary>
    public async Task<IReadOnlyList<Guid>> IdsAsync(LeadFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        if (filter.Tag is { Length: > 0 } tag) return await TaggedIdsAsync(query, tag, ct);
        return await query.NewestFirst().Select(l => l.Id).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<string>> TagsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lists = await db.Leads.AsNoTracking().Select(l => l.Tags).ToListAsync(ct);
        return lists.SelectMany(t => t).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// The custom fields leads have, for the editors' variable chips. Read from the newest leads only: an import brings
    /// its columns in together, so a sample finds them without reading every lead's JSON.
    /// </summary>
    public async Task<IReadOnlyList<string>> CustomFieldNamesAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var custom = await db.Leads.AsNoTracking().NewestFirst().Take(CustomFieldSample).Select(l => l.Custom).ToListAsync(ct);
        return custom.SelectMany(c => c.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxCustomFields).ToList();
    }

    private const int CustomFieldSample = 1000;
    private const int MaxCustomFields = 30;

    public async Task<IReadOnlyList<string>> StatusesAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Leads.AsNoTracking().Select(l => l.Status).Distinct().OrderBy(s => s).ToListAsync(ct);
    }

    /// <summary>The campaigns the lead is in, by name, with their ids.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> CampaignsOfAsync(Guid leadId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.CampaignLeads.Where(c => c.LeadId == leadId)
            .Join(db.Campaigns, m => m.CampaignId, c => c.Id, (m, c) => new { c.Id, c.Name })
            .OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(r => (r.Id, r.Name)).ToList();
    }

    /// <summary>The lead's whole execution log, newest first (capped at <see cref="MaxHistory"/>).</summary>
    public async Task<IReadOnlyList<SequenceExecutionLog>> LogAsync(Guid leadId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ExecutionLog.AsNoTracking().Where(l => l.LeadId == leadId)
            .OrderByDescending(l => l.ExecutedAt).Take(MaxHistory).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<EngagementEvent>> EventsAsync(Guid leadId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.EngagementEvents.AsNoTracking().Where(e => e.LeadId == leadId)
            .OrderByDescending(e => e.OccurredAt).Take(MaxHistory).ToListAsync(ct);
    }

    /// <summary>The names of the tenant's sequences by id, for labels.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> SequenceNamesAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Sequences.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
    }

    public async Task<Page<EnrolledLead>> EnrollmentsAsync(Guid sequenceId, PageRequest request, EnrollmentStatus? status = null,
        Guid? campaignId = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var states = db.LeadSequenceStates.AsNoTracking().Where(s => s.SequenceId == sequenceId);
        if (status is { } st) states = states.Where(s => s.Status == st);
        if (campaignId is { } cid) states = states.Where(s => s.CampaignId == cid);
        var rows = states.Join(db.Leads.AsNoTracking(), s => s.LeadId, l => l.Id, (s, l) => new { s, l });
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            rows = rows.Where(x => x.l.Email.ToLower().Contains(q) || (x.l.Name != null && x.l.Name.ToLower().Contains(q)));
        }
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderBy(x => x.l.Email).Skip(request.Skip).Take(request.PageSize)
            .Select(x => new EnrolledLead(x.s.Id, x.l.Id, x.l.Email, x.l.Name, x.s.Status, x.s.CurrentStepOrder, x.s.NextActionAt,
                x.s.StoppedReason, x.s.EmailsSent, x.s.EmailsOpened, x.s.EmailsClicked, x.s.EmailsReplied, x.s.StartedAt))
            .ToListAsync(ct);
        return new Page<EnrolledLead>(items, total, request.Page, request.PageSize);
    }

    private static IQueryable<Lead> Filtered(SequencesDbContext db, LeadFilter filter)
    {
        var query = db.Leads.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            var q = filter.Query.Trim().ToLower();
            query = query.Where(l => l.Email.ToLower().Contains(q)
                                     || (l.Name != null && l.Name.ToLower().Contains(q))
                                     || (l.Company != null && l.Company.ToLower().Contains(q)));
        }
        if (!string.IsNullOrWhiteSpace(filter.Status)) query = query.Where(l => l.Status == filter.Status);
        if (filter.CampaignId is { } campaignId)
            query = query.Where(l => db.CampaignLeads.Any(c => c.CampaignId == campaignId && c.LeadId == l.Id));
        if (filter.SequenceId is not null || filter.EnrollmentStatus is not null)
        {
            var states = db.LeadSequenceStates.AsQueryable();
            if (filter.SequenceId is { } sid) states = states.Where(s => s.SequenceId == sid);
            if (filter.EnrollmentStatus is { } es) states = states.Where(s => s.Status == es);
            query = query.Where(l => states.Any(s => s.LeadId == l.Id));
        }
        return query;
    }

    private static async Task<List<Guid>> TaggedIdsAsync(IQueryable<Lead> query, string tag, CancellationToken ct)
    {
        var candidates = await query.NewestFirst().Select(l => new { l.Id, l.Tags }).ToListAsync(ct);
        return candidates.Where(c => c.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)).Select(c => c.Id).ToList();
    }
}
