using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mailboxes;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Replies;

public sealed record MailboxPollResult(Guid MailboxId, Guid TenantId, int Read, int Recorded, string? Error);

public sealed record ImapPollResult(IReadOnlyList<MailboxPollResult> Mailboxes)
{
    public int Read => Mailboxes.Sum(m => m.Read);
    public int Recorded => Mailboxes.Sum(m => m.Recorded);
    public int Failed => Mailboxes.Count(m => m.Error is not null);
}

/// <summary>
/// Reads new mail from the INBOX of every mailbox with IMAP settings (all tenants) and hands each message to the
/// <see cref="InboundProcessor"/>. The folder is opened read-only and bodies are fetched with PEEK, so the owner's
/// unread marks stay as they were.
/// </summary>
/// <remarks>
/// Where to resume: IMAP UIDs only compare within one UIDVALIDITY, so the last UID is stored with it. When there
/// is no usable position (first poll, or the server renumbered the folder and UIDVALIDITY changed), the poller
/// reads the mail that arrived in a time window by INTERNALDATE instead of by UID: on the first poll the last
/// <see cref="ReplyOptions.InitialLookback"/>, after a renumbering everything since the previous poll (less an
/// hour of slack). Old mail is never scanned wholesale, and nothing that arrived meanwhile is lost; messages read
/// twice are not recorded twice because the processor is idempotent per inbound Message-ID.
/// </remarks>
public sealed class ImapPoller(IServiceScopeFactory scopes, IOptions<ReplyOptions> options, TimeProvider clock, ILogger<ImapPoller> logger)
{
    private static readonly TimeSpan RenumberSlack = TimeSpan.FromHours(1);

    // The Quartz job never overlaps itself, but a direct call (tests, an admin action) could overlap the job.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<ImapPollResult> PollAllAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            List<Mailbox> mailboxes;
            await using (var scope = CreateScope(null))
            {
                await using var db = await Contexts(scope).CreateDbContextAsync(ct);
                mailboxes = await db.Mailboxes.IgnoreQueryFilters().AsNoTracking()
                    .Where(m => m.ImapHost != null && m.ImapHost != "").OrderBy(m => m.CreatedAt).ToListAsync(ct);
            }
            var results = new List<MailboxPollResult>(mailboxes.Count);
            foreach (var mailbox in mailboxes)
            {
                ct.ThrowIfCancellationRequested();
                results.Add(await PollMailboxAsync(mailbox, ct));
            }
            var result = new ImapPollResult(results);
            if (result.Read > 0 || result.Failed > 0)
                logger.LogInformation("IMAP poll: {Mailboxes} mailbox(es), {Read} message(s) read, {Recorded} recorded, {Failed} failed",
                    results.Count, result.Read, result.Recorded, result.Failed);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One mailbox: every failure is caught and stored on the mailbox, so one broken account never stops the rest.</summary>
    private async Task<MailboxPollResult> PollMailboxAsync(Mailbox mailbox, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow().UtcDateTime;
        var position = new Position(mailbox.ImapUidValidity, mailbox.ImapLastUid);
        int read = 0, recorded = 0;
        string? error = null;
        try
        {
            await using var scope = CreateScope(mailbox.TenantId);
            var processor = scope.ServiceProvider.GetRequiredService<InboundProcessor>();
            using var client = await MailboxConnections.ConnectImapAsync(mailbox, options.Value.Timeout, scope.ServiceProvider.GetRequiredService<MailboxSecrets>(), ct);
            var inbox = client.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadOnly, ct);

            var pending = await PendingAsync(inbox, mailbox, position, startedAt, ct);
            foreach (var uid in pending.Take(Math.Max(1, options.Value.MaxMessagesPerPoll)))
            {
                MimeMessage message;
                try
                {
                    message = await inbox.GetMessageAsync(uid, ct);
                }
                catch (ParseException e)
                {
                    // A message MimeKit cannot parse will not parse next time either: skip it rather than stall the mailbox.
                    logger.LogWarning(e, "Mailbox {MailboxId}: message UID {Uid} could not be parsed; skipped", mailbox.Id, uid.Id);
                    position.LastUid = uid.Id;
                    continue;
                }
                // Any other failure (database, connection) stops here; the position stays before this message so it is retried.
                var outcome = await processor.ProcessAsync(mailbox.TenantId, message, ct);
                position.LastUid = uid.Id;
                read++;
                if (outcome.Recorded != InboundRecorded.None) recorded++;
            }
            await client.DisconnectAsync(true, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning(e, "IMAP poll of mailbox {MailboxId} ({Host}) failed", mailbox.Id, mailbox.ImapHost);
        }
        finally
        {
            // Progress is saved even when cancelled: what was recorded must not be read again needlessly.
            await SaveAsync(mailbox, position, startedAt, error);
        }
        return new MailboxPollResult(mailbox.Id, mailbox.TenantId, read, recorded, error);
    }

    /// <summary>The UIDs to read, oldest first, and the position updated to what the folder says now.</summary>
    private async Task<List<UniqueId>> PendingAsync(IMailFolder inbox, Mailbox mailbox, Position position, DateTime now, CancellationToken ct)
    {
        var validity = (long)inbox.UidValidity;
        if (position.UidValidity == validity && position.LastUid is { } last)
        {
            if (inbox.Count == 0) return [];
            var newer = await inbox.FetchAsync(new UniqueIdRange(new UniqueId((uint)Math.Min(last + 1, uint.MaxValue - 1)), UniqueId.MaxValue),
                MessageSummaryItems.UniqueId, ct);
            // "n:*" always includes the highest UID, even one below n (RFC 3501), so filter again here.
            return newer.Select(s => s.UniqueId).Where(u => u.Id > last).OrderBy(u => u.Id).ToList();
        }

        var since = position.UidValidity is null || mailbox.ImapLastPolledAt is not { } polled
            ? now - options.Value.InitialLookback
            : polled - RenumberSlack;
        if (position.UidValidity is not null)
            logger.LogWarning("Mailbox {MailboxId}: UIDVALIDITY changed from {Old} to {New}; reading mail since {Since:u} again",
                mailbox.Id, position.UidValidity, validity, since);
        position.UidValidity = validity;
        var all = inbox.Count == 0 ? [] : await inbox.FetchAsync(UniqueIdRange.All, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate, ct);
        var pending = all.Where(s => s.InternalDate is not { } date || date.UtcDateTime >= since)
            .Select(s => s.UniqueId).OrderBy(u => u.Id).ToList();
        // Resume just before the first message to read; with nothing to read, after the newest one seen.
        position.LastUid = pending.Count > 0 ? pending[0].Id - 1 : all.Count > 0 ? all.Max(s => s.UniqueId.Id) : 0;
        return pending;
    }

    private async Task SaveAsync(Mailbox mailbox, Position position, DateTime polledAt, string? error)
    {
        try
        {
            await using var scope = CreateScope(mailbox.TenantId);
            await using var db = await Contexts(scope).CreateDbContextAsync();
            var message = error is { Length: > 2000 } ? error[..2000] : error;
            // Only the poll-state columns: a person editing the mailbox's settings meanwhile keeps their change.
            await db.Mailboxes.IgnoreQueryFilters()
                .Where(m => m.Id == mailbox.Id && m.TenantId == mailbox.TenantId)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.ImapUidValidity, position.UidValidity)
                    .SetProperty(m => m.ImapLastUid, position.LastUid)
                    .SetProperty(m => m.ImapLastPolledAt, polledAt)
                    .SetProperty(m => m.ImapLastError, message));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not store the IMAP poll state of mailbox {MailboxId}", mailbox.Id);
        }
    }

    private AsyncServiceScope CreateScope(Guid? tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        // Listing mailboxes crosses tenants; the work on one mailbox runs as its tenant, so PostgreSQL RLS applies.
        if (tenantId is null) tenant.SetAllTenants();
        else tenant.Set(tenantId, null);
        return scope;
    }

    private static IDbContextFactory<SequencesDbContext> Contexts(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>();

    private sealed class Position(long? uidValidity, long? lastUid)
    {
        public long? UidValidity { get; set; } = uidValidity;
        public long? LastUid { get; set; } = lastUid;
    }
}
