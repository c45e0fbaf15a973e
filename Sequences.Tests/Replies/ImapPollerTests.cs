using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Quartz;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Replies;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Replies;

/// <summary>The reply poller against a real IMAP server: mail the engine sent, answered, auto-answered and bounced.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ImapPollerTests(SqliteEngineApp app, ImapServerFixture imap)
    : EngineTestBase(app), IClassFixture<SqliteEngineApp>, IClassFixture<ImapServerFixture>
{
    private readonly string _owner = $"owner-{Guid.NewGuid():N}"[..14] + "@tenant-a.test";

    [Fact]
    public async Task A_reply_an_out_of_office_and_a_DSN_bounce_are_read_classified_and_recorded_once()
    {
        var mailboxId = await AddMailboxAsync(SequencesApp.AdminA, _owner, imap.ImapPort);
        var sequence = Id(await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Hi {{ lead.first_name }}", body_text = "Hello" },
            new { step_type = "email", delay_days = 3, subject_line = "Follow-up", body_text = "Still there?" }));
        var replier = await LeadAsync(A, first: "Rita");
        var away = await LeadAsync(A, first: "Otto");
        var bouncer = await LeadAsync(A, first: "Bea");
        foreach (var lead in new[] { replier, away, bouncer }) await EnrollAsync(A, lead, sequence);
        await ProcessAsync();
        var sent = new Dictionary<Guid, OutboundMessage>();
        foreach (var lead in new[] { replier, away, bouncer }) sent[lead.Id] = (await MessagesAsync(lead)).Single();
        MailsTo(replier).Single().From.Mailboxes.Single().Address.Should().Be(_owner, "the sequence sends from its owner's mailbox");

        // A second tenant's mailbox that cannot be reached: its failure must not keep tenant A's mail from being read.
        var brokenId = await AddMailboxAsync(SequencesApp.AdminB, $"broken-{Guid.NewGuid():N}"[..12] + "@tenant-b.test", ClosedPort());

        await imap.DeliverAsync(
            Reply(replier, sent[replier.Id]),
            OutOfOffice(away, sent[away.Id]),
            Dsn(bouncer, sent[bouncer.Id]));

        var poller = App.Services.GetRequiredService<ImapPoller>();
        var first = await poller.PollAllAsync();

        var ours = first.Mailboxes.Single(m => m.MailboxId == mailboxId);
        ours.Should().BeEquivalentTo(new { Read = 3, Recorded = 3, Error = (string?)null });
        first.Mailboxes.Single(m => m.MailboxId == brokenId).Error.Should().NotBeNull();

        var replied = await StateAsync(replier, sequence);
        replied["status"]!.GetValue<string>().Should().Be("stopped");
        replied["stopped_reason"]!.GetValue<string>().Should().Be("replied");

        var ooo = await StateAsync(away, sequence);
        ooo["status"]!.GetValue<string>().Should().Be("active", "an out-of-office does not stop the sequence");
        ooo["emails_replied"]!.GetValue<int>().Should().Be(0);
        (await EventTypesAsync(away)).Should().Contain(EngagementType.OutOfOffice).And.NotContain(EngagementType.Replied);

        var bounced = await StateAsync(bouncer, sequence);
        bounced["status"]!.GetValue<string>().Should().Be("stopped");
        bounced["stopped_reason"]!.GetValue<string>().Should().Be("bounced");
        (await DbAsync(db => db.Suppressions.AnyAsync(s => s.Email == bouncer.Email && s.Reason == "bounced"))).Should().BeTrue();
        (await DbAsync(db => db.Leads.SingleAsync(l => l.Id == bouncer.Id))).BouncedAt.Should().NotBeNull();
        var bounce = (await DbAsync(db => db.EngagementEvents.Where(e => e.LeadId == bouncer.Id && e.Type == EngagementType.Bounced).ToListAsync())).Single();
        bounce.MessageId.Should().Be(sent[bouncer.Id].Id);
        bounce.Metadata.Should().Contain("status", "5.1.1").And.Contain("source", "imap").And.Contain("matched_by", "original_message_id");

        var state = await MailboxAsync(mailboxId);
        state.ImapUidValidity.Should().NotBeNull();
        state.ImapLastUid.Should().Be(3);
        state.ImapLastPolledAt.Should().Be(App.Clock.GetUtcNow().UtcDateTime);
        state.ImapLastError.Should().BeNull();
        (await MailboxAsync(brokenId)).ImapLastError.Should().NotBeNullOrEmpty();

        // Nothing new: nothing read. Then the server "renumbers" the folder: the recent mail is read again, but
        // the processor knows those Message-IDs and records nothing twice.
        (await poller.PollAllAsync()).Mailboxes.Single(m => m.MailboxId == mailboxId).Read.Should().Be(0);
        await DbAsync(db => db.Mailboxes.Where(m => m.Id == mailboxId)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ImapUidValidity, state.ImapUidValidity + 1).SetProperty(m => m.ImapLastUid, 999)));
        var renumbered = (await poller.PollAllAsync()).Mailboxes.Single(m => m.MailboxId == mailboxId);
        renumbered.Should().BeEquivalentTo(new { Read = 3, Recorded = 0, Error = (string?)null });
        var after = await MailboxAsync(mailboxId);
        after.ImapUidValidity.Should().Be(state.ImapUidValidity);
        after.ImapLastUid.Should().Be(3);
        (await EventTypesAsync(replier)).Count(t => t == EngagementType.Replied).Should().Be(1);
        (await EventTypesAsync(away)).Count(t => t == EngagementType.OutOfOffice).Should().Be(1);
        (await EventTypesAsync(bouncer)).Count(t => t == EngagementType.Bounced).Should().Be(1);

        App.Clock.Advance(TimeSpan.FromDays(4));
        await ProcessAsync();
        MailsTo(away).Select(m => m.Subject).Should().Equal("Hi Otto", "Follow-up");
        MailsTo(replier).Should().ContainSingle();
        MailsTo(bouncer).Should().ContainSingle();
    }

    [Fact]
    public async Task The_poll_job_is_scheduled_on_its_own_interval()
    {
        var scheduler = await App.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var triggers = await scheduler.GetTriggersOfJob(new JobKey(nameof(ImapPollJob)));

        var interval = App.Services.GetRequiredService<IOptions<ReplyOptions>>().Value.PollInterval;
        triggers.Should().ContainSingle().Which.Should().BeAssignableTo<ISimpleTrigger>().Which.RepeatInterval.Should().Be(interval);
        (await scheduler.GetTriggersOfJob(new JobKey(nameof(Sequences.Infrastructure.Engine.QueuePassJob)))).Should().ContainSingle("the engine's job is still there");
    }

    private MimeMessage Reply(TestLead lead, OutboundMessage ours)
    {
        var message = Inbound(lead.Email, "Re: Hi Rita", "Sounds good, call me tomorrow.");
        message.InReplyTo = ours.MessageId.Trim('<', '>');
        message.References.Add(ours.MessageId.Trim('<', '>'));
        return message;
    }

    private MimeMessage OutOfOffice(TestLead lead, OutboundMessage ours)
    {
        var message = Inbound(lead.Email, "Automatic reply: Hi Otto", "I am out of the office with limited access to email.");
        message.InReplyTo = ours.MessageId.Trim('<', '>');
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        return message;
    }

    /// <summary>An RFC 3464 bounce as Postfix writes it: explanation, delivery-status, and the original's header.</summary>
    private MimeMessage Dsn(TestLead lead, OutboundMessage ours)
    {
        var message = Inbound("MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender", null);
        message.From.Clear();
        message.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.net"));
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(Fields(("Reporting-MTA", "dns; mx.example.net"), ("Arrival-Date", DateUtils.FormatDate(App.Clock.GetUtcNow()))));
        status.StatusGroups.Add(Fields(
            ("Final-Recipient", $"rfc822; {lead.Email}"), ("Original-Recipient", $"rfc822;{lead.Email}"), ("Action", "failed"),
            ("Status", "5.1.1"), ("Remote-MTA", "dns; mx.example.com"), ("Diagnostic-Code", "smtp; 550 5.1.1 User unknown")));
        var original = new MimeMessage();
        original.From.Add(MailboxAddress.Parse(_owner));
        original.To.Add(MailboxAddress.Parse(lead.Email));
        original.Subject = "Hi Bea";
        original.MessageId = ours.MessageId.Trim('<', '>');
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "I'm sorry to have to inform you that your message could not be delivered to one or more recipients." },
            status,
            new TextRfc822Headers { Message = original },
        };
        message.Body = report;
        return message;
    }

    private static HeaderList Fields(params (string Name, string Value)[] fields)
    {
        var list = new HeaderList();
        foreach (var (name, value) in fields) list.Add(name, value);
        return list;
    }

    private MimeMessage Inbound(string from, string subject, string? text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(_owner));
        message.Subject = subject;
        message.MessageId = MimeUtils.GenerateMessageId("mail.example.com");
        // Dated on the app's clock: a reply must not look older than the enrollment it answers.
        message.Date = App.Clock.GetUtcNow();
        if (text is not null) message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private Task<Guid> AddMailboxAsync(string adminEmail, string from, int imapPort) =>
        App.AsTenantAsync(adminEmail, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<Sequences.Infrastructure.Persistence.SequencesDbContext>>().CreateDbContextAsync();
            var admin = await db.Users.SingleAsync(u => u.Email == adminEmail);
            var mailbox = new Mailbox
            {
                TenantId = admin.TenantId, UserId = admin.Id, FromAddress = from, DailyCap = 0,
                ImapHost = ImapServerFixture.Host, ImapPort = imapPort, ImapSecurity = "none",
                ImapUsername = ImapServerFixture.Username, ImapPassword = ImapServerFixture.Password,
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync();
            return mailbox.Id;
        });

    private Task<Mailbox> MailboxAsync(Guid id) =>
        App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<Sequences.Infrastructure.Persistence.SequencesDbContext>>().CreateDbContextAsync();
            return await db.Mailboxes.IgnoreQueryFilters().AsNoTracking().SingleAsync(m => m.Id == id);
        });

    private Task<List<EngagementType>> EventTypesAsync(Guid lead) =>
        DbAsync(db => db.EngagementEvents.Where(e => e.LeadId == lead).Select(e => e.Type).ToListAsync());

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
