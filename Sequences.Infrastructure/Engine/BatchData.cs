using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>Everything a batch needs, read with one query per kind (never one per enrollment). Rows are read
/// untracked; the worker tracks each enrollment (and what it changes) only while its chunk runs.</summary>
internal sealed class BatchData
{
    private readonly Dictionary<(Guid State, Guid Step), OutboundMessage> _messages;
    private readonly ILookup<Guid, FactRow> _facts;
    private readonly Dictionary<Guid, HashSet<string>> _suppressed;
    private readonly Dictionary<Guid, string> _campaigns;

    private BatchData(List<LeadSequenceState> states, Dictionary<Guid, Lead> leads, List<OutboundMessage> messages,
        List<FactRow> facts, Dictionary<Guid, HashSet<string>> suppressed, Dictionary<Guid, string> campaigns)
    {
        States = states;
        Leads = leads;
        _messages = messages.ToDictionary(m => (m.StateId, m.StepId));
        _facts = facts.ToLookup(f => f.LeadId);
        _suppressed = suppressed;
        _campaigns = campaigns;
    }

    public IReadOnlyList<LeadSequenceState> States { get; }
    public IReadOnlyDictionary<Guid, Lead> Leads { get; }

    public static async Task<BatchData> LoadAsync(SequencesDbContext db, IReadOnlyList<Guid> ids, string owner, CancellationToken ct)
    {
        var states = await db.LeadSequenceStates.IgnoreQueryFilters().AsNoTracking()
            .Where(s => EF.Parameter(ids).Contains(s.Id) && s.LeaseOwner == owner).ToListAsync(ct);
        var leadIds = states.Select(s => s.LeadId).Distinct().ToList();
        var leads = await db.Leads.IgnoreQueryFilters().AsNoTracking().Where(l => EF.Parameter(leadIds).Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var stateIds = states.Select(s => s.Id).ToList();
        var tenantIds = states.Select(s => s.TenantId).Distinct().ToList();
        // Every lookup goes through an index (outbound_messages.lead_id; tenant first on events and suppressions),
        // so a batch never scans tables that grow with every mail sent.
        var messages = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => EF.Parameter(leadIds).Contains(m.LeadId) && EF.Parameter(stateIds).Contains(m.StateId)).ToListAsync(ct);
        var facts = await db.EngagementEvents.IgnoreQueryFilters().AsNoTracking().Where(e => EF.Parameter(tenantIds).Contains(e.TenantId) && EF.Parameter(leadIds).Contains(e.LeadId))
            .Select(e => new FactRow(e.LeadId, e.SequenceId, e.StepId, e.Type, e.OccurredAt)).ToListAsync(ct);
        var emails = SuppressionKeys.Of(leads.Values.Select(l => l.Email));
        var suppressed = (await db.Suppressions.IgnoreQueryFilters().Where(s => EF.Parameter(tenantIds).Contains(s.TenantId) && EF.Parameter(emails).Contains(s.Email))
            .Select(s => new { s.TenantId, s.Email }).ToListAsync(ct)).GroupBy(s => s.TenantId).ToDictionary(g => g.Key, g => g.Select(s => s.Email).ToHashSet());
        var campaignIds = states.Where(s => s.CampaignId != null).Select(s => s.CampaignId!.Value).Distinct().ToList();
        var campaigns = campaignIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Campaigns.IgnoreQueryFilters().Where(c => EF.Parameter(campaignIds).Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new BatchData(states, leads, messages, facts, suppressed, campaigns);
    }

    public OutboundMessage? Message(Guid stateId, Guid stepId) => _messages.GetValueOrDefault((stateId, stepId));

    public void Remember(OutboundMessage message) => _messages[(message.StateId, message.StepId)] = message;

    /// <summary>What the enrollment has sent so far (its messages of every version are in the batch): what a
    /// same-thread step replies to. Only same-thread steps ask, so the plain pass pays nothing for it.</summary>
    public IEnumerable<SentMail> SentMails(Guid stateId) =>
        _messages.Values.Where(m => m.StateId == stateId && m is { Status: OutboundStatus.Sent, SentAt: not null })
            .Select(m => new SentMail(m.MessageId, m.Subject, m.SentAt!.Value));

    public bool IsSuppressed(Lead lead) =>
        lead.UnsubscribedAt is not null || lead.BouncedAt is not null
        || (_suppressed.TryGetValue(lead.TenantId, out var entries) && SuppressionKeys.Blocks(entries, lead.Email));

    public string? CampaignName(Guid? campaignId) => campaignId is { } id ? _campaigns.GetValueOrDefault(id) : null;

    /// <summary>The lead's events in this sequence, plus ones tied to no sequence (a reply matched by address).</summary>
    public List<EngagementFact> FactsFor(LeadSequenceState state) =>
        _facts[state.LeadId].Where(f => f.SequenceId == state.SequenceId || f.SequenceId == null)
            .Select(f => new EngagementFact(f.Type, f.StepId, f.OccurredAt)).ToList();

    private sealed record FactRow(Guid LeadId, Guid? SequenceId, Guid? StepId, Core.Tracking.EngagementType Type, DateTime OccurredAt);
}
