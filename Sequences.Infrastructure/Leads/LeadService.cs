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
        var items = await query.NewestFirst()
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
        if (rezoned) await EnrollmentService.RezoneAsync(db, [lead], clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        return lead;
    }

    /// <summary>Updates a stored lead with the values <paramref name="input"/> has (an import row's non-empty cells);
    /// absent values keep what is stored. Tags given replace the stored ones; custom fields given are set one by one.
    /// A full name that was made of the first and last name follows them when only they change.</summary>
    public static void Merge(Lead lead, LeadInput input)
    {
        var given = ToLead(input);
        var derivedName = NameOf(lead.FirstName, lead.LastName);
        if (input.FirstName is not null) lead.FirstName = given.FirstName;
        if (input.LastName is not null) lead.LastName = given.LastName;
        if (!string.IsNullOrWhiteSpace(input.Name)) lead.Name = given.Name;
        else if ((input.FirstName ?? input.LastName) is not null && (lead.Name ?? "") == derivedName)
            lead.Name = NameOf(lead.FirstName, lead.LastName) is { Length: > 0 } name ? name : null;
        if (input.Company is not null) lead.Company = given.Company;
        if (input.Title is not null) lead.Title = given.Title;
        if (input.Timezone is not null) lead.Timezone = given.Timezone;
        if (input.Country is not null) lead.Country = given.Country;
        if (!string.IsNullOrWhiteSpace(input.Status)) lead.Status = given.Status;
        if (input.Tags is { Count: > 0 }) lead.Tags = given.Tags;
        if (input.Custom is { Count: > 0 })
            lead.Custom = new Dictionary<string, string>(lead.Custom.Concat(given.Custom).GroupBy(kv => kv.Key).Select(g => g.Last()));
    }

    private static string NameOf(string? first, string? last) =>
        string.Join(' ', new[] { first, last }.Where(p => !string.IsNullOrWhiteSpace(p))).Trim();

    public static Lead ToLead(LeadInput input)
    {
        var name = string.IsNullOrWhiteSpace(input.Name) ? NameOf(input.FirstName, input.LastName) : input.Name.Trim();
        return new Lead
        {
            Email = EmailAddresses.Normalize(input.Email!),
            Name = name.Length == 0 ? null : name,
            FirstName = input.FirstName?.Trim(),
            LastName = input.LastName?.Trim(),
            Company = input.Company?.Trim(),
            Title = input.Title?.Trim(),
            Timezone = TimeZones.Canonical(input.Timezone),
            Country = input.Country?.ToUpperInvariant(),
            Status = string.IsNullOrWhiteSpace(input.Status) ? "new" : input.Status.Trim(),
            Tags = input.Tags?.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [],
            Custom = input.Custom ?? [],
        };
    }
}
