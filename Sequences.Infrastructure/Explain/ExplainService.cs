using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Explain;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Explain;

/// <summary>"Why not sent" for one enrollment: loads its data with a few set-based queries (tenant-scoped by the
/// DbContext's filter) and hands them to the pure <see cref="Explainer"/>.</summary>
public sealed class ExplainService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, LiquidTemplates templates)
{
    public async Task<Explanation> ExplainAsync(Guid leadId, Guid? sequenceId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, ct) ?? throw new NotFoundException("Lead", leadId);
        if (sequenceId is not { } sid) throw new InputRejectedException("sequence_id", "required", "sequence_id is required.");
        var sequence = await db.Sequences.AsNoTracking().Include(s => s.Steps).ThenInclude(s => s.Variants).AsSplitQuery()
                           .FirstOrDefaultAsync(s => s.Id == sid, ct) ?? throw new NotFoundException("Sequence", sid);
        var state = await db.LeadSequenceStates.AsNoTracking().FirstOrDefaultAsync(s => s.LeadId == leadId && s.SequenceId == sid, ct)
                    ?? throw new InputRejectedException("sequence_id", "not_enrolled", $"The lead is not enrolled in sequence {sid}.");

        var log = await db.ExecutionLog.AsNoTracking().Where(l => l.LeadId == leadId && l.SequenceId == sid).ToListAsync(ct);
        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.StateId == state.Id).ToListAsync(ct);
        var suppressed = await EnrollmentService.IsBlockedAsync(db, lead.Email, ct);
        var zone = EnrollmentMapping.Zone(lead, sequence.Settings, await EnrollmentService.TenantZoneAsync(db, state.TenantId, ct));
        var issues = SequenceValidator.Validate(sequence, templates, state.Version);

        return Explainer.Explain(new ExplainInput(state, sequence, lead, zone, suppressed, log, messages, issues, clock.GetUtcNow().UtcDateTime));
    }
}
