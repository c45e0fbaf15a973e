using Sequences.Core.Leads;

namespace Sequences.Infrastructure.Leads;

/// <summary>The one order leads are listed in, by the API and the pages alike.</summary>
public static class LeadOrder
{
    /// <summary>Newest first; leads that arrived together (one CSV import) by address, not in the random order of their ids.</summary>
    public static IOrderedQueryable<Lead> NewestFirst(this IQueryable<Lead> leads) =>
        leads.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Email).ThenBy(l => l.Id);
}
