using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Replies;

/// <summary>
/// Company-level stop: a reply from a lead at a company domain stops every other active or paused lead of that exact
/// domain in each sequence of the replier's that has <c>stop_on_company_reply</c> on (reason <c>company_replied</c>).
/// Free-mail domains never count; subdomains are other domains.
/// </summary>
public sealed class CompanyReplyStop(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, ILogger<CompanyReplyStop> logger)
{
    public const string Reason = "company_replied";

    /// <summary>Returns how many enrollments were stopped.</summary>
    public async Task<int> StopColleaguesAsync(Guid tenantId, Guid replierId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var email = await db.Leads.IgnoreQueryFilters().Where(l => l.Id == replierId && l.TenantId == tenantId).Select(l => l.Email).FirstOrDefaultAsync(ct);
        if (CompanyDomains.Of(email) is not { } domain) return 0;

        var replierSequences = await db.LeadSequenceStates.IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.LeadId == replierId).Select(s => s.SequenceId).Distinct().ToListAsync(ct);
        if (replierSequences.Count == 0) return 0;
        // Settings are a JSON column: read them here rather than query inside it.
        var sequenceIds = (await db.Sequences.IgnoreQueryFilters().Where(q => q.TenantId == tenantId && replierSequences.Contains(q.Id))
                .Select(q => new { q.Id, q.Settings }).ToListAsync(ct))
            .Where(q => q.Settings.StopOnCompanyReply).Select(q => q.Id).ToList();
        if (sequenceIds.Count == 0) return 0;

        var now = clock.GetUtcNow().UtcDateTime;
        var suffix = "@" + domain;
        var colleagues = db.LeadSequenceStates.IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && sequenceIds.Contains(s.SequenceId) && s.LeadId != replierId
                        && (s.Status == EnrollmentStatus.Active || s.Status == EnrollmentStatus.Paused)
                        && db.Leads.IgnoreQueryFilters().Any(l => l.Id == s.LeadId && l.TenantId == tenantId && l.Email.EndsWith(suffix)));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var targets = await colleagues.Select(s => new { s.LeadId, s.SequenceId }).ToListAsync(ct);
        if (targets.Count == 0) return 0;
        // One statement for all of them; the log rows follow in one batch of the same transaction.
        var stopped = await colleagues.ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, EnrollmentStatus.Stopped)
            .SetProperty(s => s.StoppedReason, Reason)
            .SetProperty(s => s.CompletedAt, now)
            .SetProperty(s => s.NextActionAt, (DateTime?)null), ct);
        db.ExecutionLog.AddRange(targets.Select(t => new SequenceExecutionLog
        {
            Id = RowIds.New(), TenantId = tenantId, LeadId = t.LeadId, SequenceId = t.SequenceId, StepId = null,
            ActionType = "auto_stopped", ActionResult = LogResult.Success, ExecutedAt = now,
            Metadata = new() { ["reason"] = Reason, ["replied_lead_id"] = replierId.ToString(), ["domain"] = domain },
        }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("A reply from {Domain} stopped {Stopped} colleague enrollment(s) of lead {LeadId}", domain, stopped, replierId);
        return stopped;
    }
}
