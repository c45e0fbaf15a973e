using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Suppressions;

public sealed record SuppressionInput(string? Email, string? Reason);

/// <summary>The tenant's do-not-mail list of addresses and whole domains (<see cref="SuppressionKeys"/>). The engine
/// checks it before every send.</summary>
public sealed class SuppressionService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock)
{
    public static readonly string[] Reasons = ["unsubscribed", "bounced", "manual"];

    public async Task<Page<Suppression>> ListAsync(PageRequest request, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Suppressions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            query = query.Where(s => s.Email.Contains(q));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).Skip(request.Skip).Take(request.PageSize).ToListAsync(ct);
        return new Page<Suppression>(items, total, request.Page, request.PageSize);
    }

    public async Task<Suppression> AddAsync(SuppressionInput input, CancellationToken ct = default)
    {
        var issues = new List<ValidationIssue>();
        var domain = input.Email?.Trim().ToLowerInvariant() is { } typed && SuppressionKeys.IsDomain(typed) ? typed : null;
        if (domain is null && !EmailAddresses.IsValid(input.Email))
            issues.Add(ValidationIssue.Error("email", "invalid_email", $"'{input.Email}' is not a valid email address, nor a domain written as @example.com."));
        if (input.Reason is not null && !Reasons.Contains(input.Reason))
            issues.Add(ValidationIssue.Error("reason", "invalid_reason", "reason must be unsubscribed, bounced or manual."));
        if (issues.Count > 0) throw new InputRejectedException(issues);
        var email = domain ?? EmailAddresses.Normalize(input.Email!);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Suppressions.AnyAsync(s => s.Email == email, ct)) throw new ConflictException($"{email} is already suppressed.");
        var suppression = new Suppression { Email = email, Reason = input.Reason ?? "manual", CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Suppressions.Add(suppression);
        await db.SaveChangesAsync(ct);
        return suppression;
    }

    /// <summary>Mailing the address is allowed again, so the lead's unsubscribe/bounce marks go too.</summary>
    public async Task RemoveAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var suppression = await db.Suppressions.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Suppression", id);
        db.Suppressions.Remove(suppression);
        await db.Leads.Where(l => l.Email == suppression.Email)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.UnsubscribedAt, (DateTime?)null).SetProperty(l => l.BouncedAt, (DateTime?)null), ct);
        await db.SaveChangesAsync(ct);
    }
}
