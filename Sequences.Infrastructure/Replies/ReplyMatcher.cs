using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Replies;

/// <summary>Which lead (and, when known, which of our messages) an inbound mail is about, and how that was found.</summary>
public sealed record InboundMatch(Guid LeadId, Guid? OutboundMessageId, string MatchedBy);

/// <summary>
/// Finds the lead an inbound mail belongs to, always within one tenant. Threading headers are exact, so they win;
/// the sender's address is the fallback for clients that drop them, and only counts while the lead is in a sequence.
/// </summary>
public sealed class ReplyMatcher(IDbContextFactory<SequencesDbContext> contexts)
{
    // A thread can grow long; our message is near its end, and a bounded IN list keeps the query plan simple.
    private const int MaxReferences = 50;

    // Clocks of mail servers drift; a reply dated a little before the enrollment started is still a reply.
    private static readonly TimeSpan DateSkew = TimeSpan.FromMinutes(10);

    public async Task<InboundMatch?> MatchReplyAsync(Guid tenantId, InboundMail mail, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (mail.InReplyTo is { } inReplyTo && await ByMessageIdAsync(db, tenantId, [inReplyTo], ct) is { } direct)
            return direct with { MatchedBy = "in_reply_to" };
        // References runs oldest first: the newest of our messages in it is the one being answered.
        var references = mail.References.Reverse().Take(MaxReferences).ToList();
        if (await ByMessageIdAsync(db, tenantId, references, ct) is { } referenced)
            return referenced with { MatchedBy = "references" };
        return await BySenderAsync(db, tenantId, mail, ct);
    }

    public async Task<InboundMatch?> MatchBounceAsync(Guid tenantId, InboundMail mail, IReadOnlyList<string> failedRecipients, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Some MTAs also thread their bounce onto the original, so those headers are worth a look after the report's own.
        var ids = mail.OriginalMessageIds
            .Concat(mail.InReplyTo is { } irt ? [irt] : [])
            .Concat(mail.References.Reverse())
            .Take(MaxReferences).ToList();
        if (await ByMessageIdAsync(db, tenantId, ids, ct) is { } original)
            return original with { MatchedBy = "original_message_id" };

        foreach (var recipient in failedRecipients)
        {
            var address = EmailAddresses.Normalize(recipient);
            var message = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.TenantId == tenantId && m.ToAddress == address && m.Status != OutboundStatus.Queued)
                .OrderByDescending(m => m.SentAt ?? m.CreatedAt)
                .Select(m => new { m.Id, m.LeadId }).FirstOrDefaultAsync(ct);
            if (message is not null) return new InboundMatch(message.LeadId, message.Id, "final_recipient");
            var lead = await db.Leads.IgnoreQueryFilters().AsNoTracking()
                .Where(l => l.TenantId == tenantId && l.Email == address).Select(l => (Guid?)l.Id).FirstOrDefaultAsync(ct);
            if (lead is { } leadId) return new InboundMatch(leadId, null, "final_recipient");
        }
        return null;
    }

    /// <summary>The first candidate id (in the order given) that is one of this tenant's outbound messages.</summary>
    private static async Task<InboundMatch?> ByMessageIdAsync(SequencesDbContext db, Guid tenantId, IReadOnlyList<string> bareIds, CancellationToken ct)
    {
        if (bareIds.Count == 0) return null;
        // Stored with brackets; ours are all lower case, so a relay that changed the case still matches.
        var candidates = bareIds.SelectMany(id => new[] { $"<{id}>", $"<{id.ToLowerInvariant()}>" }).Distinct().ToList();
        var found = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.TenantId == tenantId && candidates.Contains(m.MessageId))
            .Select(m => new { m.Id, m.LeadId, m.MessageId }).ToListAsync(ct);
        foreach (var id in candidates)
            if (found.FirstOrDefault(m => m.MessageId == id) is { } hit) return new InboundMatch(hit.LeadId, hit.Id, "");
        return null;
    }

    private static async Task<InboundMatch?> BySenderAsync(SequencesDbContext db, Guid tenantId, InboundMail mail, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(mail.From)) return null;
        var address = EmailAddresses.Normalize(mail.From);
        var leadId = await db.Leads.IgnoreQueryFilters().AsNoTracking()
            .Where(l => l.TenantId == tenantId && l.Email == address).Select(l => (Guid?)l.Id).FirstOrDefaultAsync(ct);
        if (leadId is null) return null;

        var states = await db.LeadSequenceStates.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.TenantId == tenantId && s.LeadId == leadId && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused))
            .OrderByDescending(s => s.StartedAt).Select(s => new { s.Id, s.StartedAt }).ToListAsync(ct);
        // A mail written before the lead entered the sequence is not an answer to it (e.g. old mail on a first poll).
        var state = states.FirstOrDefault(s => mail.Date is not { } date || date.UtcDateTime >= s.StartedAt - DateSkew);
        if (state is null) return null;

        var messageId = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.TenantId == tenantId && m.StateId == state.Id && m.Status == OutboundStatus.Sent)
            .OrderByDescending(m => m.SentAt).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
        return new InboundMatch(leadId.Value, messageId, "sender");
    }
}
