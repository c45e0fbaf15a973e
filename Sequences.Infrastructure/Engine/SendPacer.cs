using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>Why a due email waits instead of going out now.</summary>
internal sealed record SendHold(DateTime Until, string Code, string Message);

/// <summary>A mailbox's daily cap (in its own zone) and spacing, and a sequence's per-domain hourly cap.
/// One per pass, shared by its workers; each count starts from what the database says was sent, then
/// counts reservations in memory. Several hosts may overshoot a cap by what they send at the same moment.</summary>
internal sealed class SendPacer
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<MailboxPace>>> _mailboxes = new();
    private readonly ConcurrentDictionary<(Guid Sequence, string Domain), Lazy<Task<DomainPace>>> _domains = new();

    public async Task<SendHold?> ReserveAsync(SequencesDbContext db, SequenceRuntime runtime, Lead lead, DateTime now, CancellationToken ct)
    {
        DomainPace? domainPace = null;
        if (runtime.Sequence.Settings.PerDomainHourlyCap is { } cap)
        {
            var domain = lead.Email[(lead.Email.LastIndexOf('@') + 1)..].ToLowerInvariant();
            domainPace = await _domains.GetOrAdd((runtime.Sequence.Id, domain),
                key => new Lazy<Task<DomainPace>>(() => DomainPace.LoadAsync(db, key.Sequence, key.Domain, now, ct))).Value;
            lock (domainPace)
            {
                domainPace.Prune(now);
                if (domainPace.Count >= cap)
                    return new SendHold(domainPace.Oldest.AddHours(1), "domain_cap", $"{cap} emails to {domain} this hour: waits for the hourly cap");
            }
        }

        if (runtime.Mailbox is { } mailbox && (mailbox.DailyCap > 0 || mailbox.SpacingSeconds > 0))
        {
            var zone = TimeZones.Resolve(mailbox.Timezone, runtime.TenantZone);
            var pace = await _mailboxes.GetOrAdd(mailbox.Id,
                _ => new Lazy<Task<MailboxPace>>(() => MailboxPace.LoadAsync(db, mailbox, zone, now, ct))).Value;
            lock (pace)
            {
                pace.Roll(now, zone);
                if (mailbox.DailyCap > 0 && pace.SentToday >= mailbox.DailyCap)
                    return new SendHold(pace.NextDayStart, "mailbox_cap", $"{mailbox.FromAddress} reached its daily cap of {mailbox.DailyCap}: waits for tomorrow");
                if (mailbox.SpacingSeconds > 0 && pace.LastSentAt is { } last && last.AddSeconds(mailbox.SpacingSeconds) > now)
                    return new SendHold(last.AddSeconds(mailbox.SpacingSeconds), "spacing", $"{mailbox.FromAddress} sends at most one email every {mailbox.SpacingSeconds} s");
                pace.SentToday++;
                pace.LastSentAt = now;
            }
        }

        if (domainPace is not null)
            lock (domainPace) domainPace.Add(now);
        return null;
    }

    private sealed class MailboxPace
    {
        public int SentToday { get; set; }
        public DateTime? LastSentAt { get; set; }
        public DateTime DayStart { get; private set; }
        public DateTime NextDayStart { get; private set; }

        public static async Task<MailboxPace> LoadAsync(SequencesDbContext db, Mailbox mailbox, TimeZoneInfo zone, DateTime now, CancellationToken ct)
        {
            var pace = new MailboxPace();
            pace.SetDay(now, zone);
            var dayStart = pace.DayStart;
            var sent = db.OutboundMessages.IgnoreQueryFilters()
                .Where(m => m.TenantId == mailbox.TenantId && m.FromAddress == mailbox.FromAddress && m.Status == OutboundStatus.Sent && m.SentAt >= dayStart);
            pace.SentToday = await sent.CountAsync(ct);
            pace.LastSentAt = await sent.MaxAsync(m => m.SentAt, ct);
            return pace;
        }

        public void Roll(DateTime now, TimeZoneInfo zone)
        {
            if (now < NextDayStart) return;
            SetDay(now, zone);
            SentToday = 0;
        }

        private void SetDay(DateTime now, TimeZoneInfo zone)
        {
            var localDate = TimeZoneInfo.ConvertTimeFromUtc(now, zone).Date;
            DayStart = Core.Engine.Schedule.LocalToUtc(localDate, zone);
            NextDayStart = Core.Engine.Schedule.LocalToUtc(localDate.AddDays(1), zone);
        }
    }

    private sealed class DomainPace
    {
        private readonly Queue<DateTime> _sends = new();

        public int Count => _sends.Count;
        public DateTime Oldest => _sends.Peek();

        public static async Task<DomainPace> LoadAsync(SequencesDbContext db, Guid sequenceId, string domain, DateTime now, CancellationToken ct)
        {
            var since = now.AddHours(-1);
            var suffix = "@" + domain;
            var times = await db.OutboundMessages.IgnoreQueryFilters()
                .Where(m => m.SequenceId == sequenceId && m.Status == OutboundStatus.Sent && m.SentAt > since && m.ToAddress.EndsWith(suffix))
                .Select(m => m.SentAt!.Value).OrderBy(t => t).ToListAsync(ct);
            var pace = new DomainPace();
            foreach (var t in times) pace._sends.Enqueue(t);
            return pace;
        }

        public void Prune(DateTime now)
        {
            while (_sends.Count > 0 && _sends.Peek() <= now.AddHours(-1)) _sends.Dequeue();
        }

        public void Add(DateTime at) => _sends.Enqueue(at);
    }
}
