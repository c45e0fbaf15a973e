using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

/// <summary>Lead ids a client listed (<c>lead_ids</c>): every one must be a lead of the workspace, or nothing is done.</summary>
internal static class KnownLeads
{
    /// <returns>The ids once each, in their first order.</returns>
    /// <exception cref="InputRejectedException">An id that is no lead of the workspace (another's is as unknown), by its place in the list.</exception>
    public static async Task<List<Guid>> RequireAsync(SequencesDbContext db, IReadOnlyList<Guid> leadIds, CancellationToken ct)
    {
        var distinct = leadIds.Distinct().ToList();
        var known = new HashSet<Guid>();
        foreach (var chunk in distinct.Chunk(500))
            known.UnionWith(await db.Leads.Where(l => chunk.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct));
        var unknown = leadIds.Select((id, i) => (id, i)).Where(x => !known.Contains(x.id))
            .Select(x => ValidationIssue.Error($"lead_ids[{x.i}]", "unknown_lead", $"Lead {x.id} does not exist.")).ToList();
        if (unknown.Count > 0) throw new InputRejectedException(unknown);
        return distinct;
    }
}
