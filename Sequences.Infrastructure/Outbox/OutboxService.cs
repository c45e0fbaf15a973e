using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Outbox;

public sealed record OutboxRow(
    Guid Id, Guid LeadId, string ToAddress, string? LeadName, string SequenceName, Guid SequenceId, string? Subject, OutboundStatus Status,
    string? Variant, int Attempts, string? LastError, DateTime? SentAt, DateTime UpdatedAt, string MessageId);

/// <summary>The .eml the pickup transport wrote for a message: its headers and bodies as the recipient would get them.</summary>
public sealed record RenderedMessage(string FileName, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Html, string? Text);

public sealed record OutboxMessage(OutboxRow Row, string? FromAddress, int? StepOrder, string? StepName, IReadOnlyList<SequenceExecutionLog> Log,
    RenderedMessage? Rendered);

/// <summary>Sent, failed and pending mail of the tenant (pickup and SMTP alike: both go through the outbound_messages table).</summary>
public sealed class OutboxService(IDbContextFactory<SequencesDbContext> contexts, IOptions<MailOptions> mail)
{
    /// <summary>Newest first; <see cref="PageRequest.Query"/> searches the lead (email, name), the recipient and the subject.</summary>
    public async Task<Page<OutboxRow>> ListAsync(PageRequest request, OutboundStatus? status = null, Guid? leadId = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = db.OutboundMessages.AsNoTracking()
            .Join(db.Leads.AsNoTracking(), m => m.LeadId, l => l.Id, (m, l) => new { m, l })
            .Join(db.Sequences.AsNoTracking(), x => x.m.SequenceId, s => s.Id, (x, s) => new { x.m, x.l, SequenceName = s.Name });
        if (status is { } st) rows = rows.Where(x => x.m.Status == st);
        if (leadId is { } lid) rows = rows.Where(x => x.m.LeadId == lid);
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            rows = rows.Where(x => x.l.Email.ToLower().Contains(q) || x.m.ToAddress.ToLower().Contains(q)
                                   || (x.l.Name != null && x.l.Name.ToLower().Contains(q))
                                   || (x.m.Subject != null && x.m.Subject.ToLower().Contains(q)));
        }
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderByDescending(x => x.m.UpdatedAt).ThenBy(x => x.m.Id).Skip(request.Skip).Take(request.PageSize)
            .Select(x => new OutboxRow(x.m.Id, x.m.LeadId, x.m.ToAddress, x.l.Name, x.SequenceName, x.m.SequenceId, x.m.Subject, x.m.Status,
                x.m.Variant, x.m.Attempts, x.m.LastError, x.m.SentAt, x.m.UpdatedAt, x.m.MessageId))
            .ToListAsync(ct);
        return new Page<OutboxRow>(items, total, request.Page, request.PageSize);
    }

    public async Task<OutboxMessage> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var m = await db.OutboundMessages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Message", id);
        var lead = await db.Leads.AsNoTracking().Where(l => l.Id == m.LeadId).Select(l => new { l.Name }).FirstOrDefaultAsync(ct);
        var sequenceName = await db.Sequences.AsNoTracking().Where(s => s.Id == m.SequenceId).Select(s => s.Name).FirstOrDefaultAsync(ct) ?? "";
        var step = await db.SequenceSteps.AsNoTracking().Where(s => s.Id == m.StepId).Select(s => new { s.StepOrder, s.Name }).FirstOrDefaultAsync(ct);
        var log = await db.ExecutionLog.AsNoTracking().Where(l => l.LeadId == m.LeadId && l.SequenceId == m.SequenceId && l.StepId == m.StepId)
            .OrderBy(l => l.ExecutedAt).Take(200).ToListAsync(ct);
        var row = new OutboxRow(m.Id, m.LeadId, m.ToAddress, lead?.Name, sequenceName, m.SequenceId, m.Subject, m.Status, m.Variant, m.Attempts,
            m.LastError, m.SentAt, m.UpdatedAt, m.MessageId);
        return new OutboxMessage(row, m.FromAddress, step?.StepOrder, step?.Name, log,
            m.Status == OutboundStatus.Sent ? await RenderedAsync(m.MessageId, ct) : null);
    }

    /// <summary>Only the pickup transport keeps a copy of what was sent; over SMTP the relay has it.</summary>
    private async Task<RenderedMessage?> RenderedAsync(string messageId, CancellationToken ct)
    {
        var options = mail.Value;
        if (options.Transport != MailTransportKind.Pickup || string.IsNullOrWhiteSpace(options.PickupDirectory)) return null;
        var directory = Path.GetFullPath(options.PickupDirectory);
        if (!Directory.Exists(directory)) return null;
        // The pickup file name is "<utc time>-<sanitised Message-ID>": the part after the time identifies the message.
        var suffix = PickupTransport.FileNameFor(DateTimeOffset.UnixEpoch, messageId)["yyyyMMdd-HHmmss-".Length..];
        var file = Directory.EnumerateFiles(directory, $"*-{suffix}*{PickupTransport.Extension}").Order().LastOrDefault();
        if (file is null) return null;
        await using var stream = File.OpenRead(file);
        var mime = await MimeMessage.LoadAsync(stream, ct);
        var headers = mime.Headers.Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList();
        return new RenderedMessage(Path.GetFileName(file), headers, DisplayHtml.SanitizeSent(mime.HtmlBody), mime.TextBody);
    }
}
