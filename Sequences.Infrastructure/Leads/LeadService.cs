using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

public sealed class LeadService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
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

    /// <summary>Replaces the lead's editable fields (PUT: an absent optional field becomes empty). Its id, history,
    /// enrollments and unsubscribe or bounce stay. A new time zone or country moves the lead's scheduled emails into
    /// its new business hours, in the same commit.</summary>
    public async Task<Lead> UpdateAsync(Guid id, LeadInput input, CancellationToken ct = default)
    {
        var issues = LeadValidator.Validate(input);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryUpdateAsync(id, input, issues, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt == 0)
            {
                // A pass claimed one of the lead's enrollments between the read and the write: read again.
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new ConflictException("The scheduler is working on this lead right now; try again in a moment.");
            }
        }
    }

    private async Task<Lead> TryUpdateAsync(Guid id, LeadInput input, List<ValidationIssue> issues, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new NotFoundException("Lead", id);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        var edited = ToLead(input);
        if (edited.Email != lead.Email && await db.Leads.AnyAsync(l => l.Email == edited.Email && l.Id != id, ct))
            throw new ConflictException($"Another lead already has the email {edited.Email}.");
        var rezoned = edited.Timezone != lead.Timezone || edited.Country != lead.Country;
        lead.Email = edited.Email;
        lead.Name = edited.Name;
        lead.FirstName = edited.FirstName;
        lead.LastName = edited.LastName;
        lead.Company = edited.Company;
        lead.Title = edited.Title;
        lead.Timezone = edited.Timezone;
        lead.Country = edited.Country;
        lead.Status = edited.Status;
        lead.Tags = edited.Tags;
        lead.Custom = edited.Custom;
        if (rezoned) await EnrollmentService.RezoneAsync(db, lead, clock.GetUtcNow().UtcDateTime, ct);
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
