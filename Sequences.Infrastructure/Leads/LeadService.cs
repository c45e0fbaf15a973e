using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

public sealed class LeadService(IDbContextFactory<SequencesDbContext> contexts)
{
    public async Task<Page<Lead>> ListAsync(PageRequest request, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Leads.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            query = query.Where(l => l.Email.ToLower().Contains(q)
                                     || (l.Name != null && l.Name.ToLower().Contains(q))
                                     || (l.Company != null && l.Company.ToLower().Contains(q)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id)
            .Skip(request.Skip).Take(request.PageSize).ToListAsync(ct);
        return new Page<Lead>(items, total, request.Page, request.PageSize);
    }

    public async Task<Lead> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new NotFoundException("Lead", id);
    }

    public async Task<Lead> CreateAsync(LeadInput input, CancellationToken ct = default)
    {
        var issues = LeadValidator.Validate(input);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        var lead = ToLead(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Leads.AnyAsync(l => l.Email == lead.Email, ct))
            throw new ConflictException($"A lead with email {lead.Email} already exists.");
        db.Leads.Add(lead);
        await db.SaveChangesAsync(ct);
        return lead;
    }

    public static Lead ToLead(LeadInput input)
    {
        var name = string.IsNullOrWhiteSpace(input.Name)
            ? string.Join(' ', new[] { input.FirstName, input.LastName }.Where(p => !string.IsNullOrWhiteSpace(p))).Trim()
            : input.Name.Trim();
        return new Lead
        {
            Email = EmailAddresses.Normalize(input.Email!),
            Name = name.Length == 0 ? null : name,
            FirstName = input.FirstName?.Trim(),
            LastName = input.LastName?.Trim(),
            Company = input.Company?.Trim(),
            Title = input.Title?.Trim(),
            Timezone = input.Timezone,
            Country = input.Country?.ToUpperInvariant(),
            Status = string.IsNullOrWhiteSpace(input.Status) ? "new" : input.Status.Trim(),
            Tags = input.Tags?.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [],
            Custom = input.Custom ?? [],
        };
    }
}
