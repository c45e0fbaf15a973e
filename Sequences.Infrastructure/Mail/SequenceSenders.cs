using Microsoft.EntityFrameworkCore;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Mail;

/// <summary>Who a sequence's mail comes from. <paramref name="OwnerName"/> and <paramref name="OwnerEmail"/> fill
/// <c>{{ user.name }}</c> and <c>{{ user.email }}</c>; <paramref name="Mailbox"/> carries its caps and relay.</summary>
public sealed record SequenceSender(string FromAddress, string? FromName, string? OwnerName, string? OwnerEmail, Mailbox? Mailbox);

/// <summary>The one rule for a sequence's sender, shared by the queue pass and the builder's preview and test send:
/// the owner's mailbox, else the configured default address; the mailbox's display name, else the owner's name.</summary>
public static class SequenceSenders
{
    public static async Task<SequenceSender> ForAsync(SequencesDbContext db, Guid tenantId, Guid? ownerId, string defaultFrom, CancellationToken ct)
    {
        if (ownerId is not { } id) return new SequenceSender(defaultFrom, null, null, null, null);
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(ct);
        var mailbox = await db.Mailboxes.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(m => m.UserId == id && m.TenantId == tenantId, ct);
        return new SequenceSender(mailbox?.FromAddress ?? defaultFrom, mailbox?.DisplayName ?? owner?.DisplayName,
            owner?.DisplayName ?? owner?.Email, owner?.Email, mailbox);
    }
}
