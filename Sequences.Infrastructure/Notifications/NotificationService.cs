using Microsoft.EntityFrameworkCore;
using Sequences.Core.Tenants;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Notifications;

/// <summary>The signed-in user's notifications (from <c>notify_user</c> actions): theirs, plus those addressed to nobody in particular.</summary>
public sealed class NotificationService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, TimeProvider clock)
{
    public const int DefaultTake = 20;

    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Mine(db).CountAsync(n => n.ReadAt == null, ct);
    }

    /// <summary>Newest first: unread ones, then recently read ones up to <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<Notification>> ListAsync(int take = DefaultTake, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Mine(db).AsNoTracking().OrderBy(n => n.ReadAt == null ? 0 : 1).ThenByDescending(n => n.CreatedAt).Take(take).ToListAsync(ct);
    }

    public async Task MarkReadAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await Mine(db).Where(n => n.Id == id && n.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await Mine(db).Where(n => n.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), ct);
    }

    private IQueryable<Notification> Mine(SequencesDbContext db)
    {
        var user = tenant.UserId;
        return db.Notifications.Where(n => n.UserId == null || n.UserId == user);
    }
}
