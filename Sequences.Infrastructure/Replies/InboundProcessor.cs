using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MimeKit;
using Sequences.Core.Common;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Replies;

/// <summary>What processing one inbound mail did (the webhook's answer; the poller's counts).</summary>
public enum InboundRecorded { None, Replied, OutOfOffice, Bounced, SoftBounced, Unsubscribed }

public sealed record InboundOutcome(
    bool Matched, InboundRecorded Recorded, Guid? LeadId, Guid? OutboundMessageId, InboundKind Kind, string? MatchedBy, bool Duplicate = false)
{
    public static InboundOutcome Unmatched(InboundKind kind) => new(false, InboundRecorded.None, null, null, kind, null);
}

/// <summary>
/// One inbound mail, from IMAP or a webhook, for one tenant: classify, match, record through the
/// <see cref="EngagementRecorder"/> (which applies auto-stop and suppression). Unmatched mail is only logged.
/// </summary>
public sealed class InboundProcessor(
    IDbContextFactory<SequencesDbContext> contexts, ReplyMatcher matcher, EngagementRecorder recorder, ILogger<InboundProcessor> logger,
    OutOfOfficeHold outOfOffice, CompanyReplyStop companyStop, TrackingTokens tokens)
{
    public const string InboundMessageIdKey = "inbound_message_id";

    /// <summary>This many soft bounces in a row (no hard one in between) count as a hard bounce.</summary>
    public const int SoftBouncesForHard = 3;

    public Task<InboundOutcome> ProcessAsync(Guid tenantId, MimeMessage message, CancellationToken ct = default) =>
        ProcessAsync(tenantId, InboundMail.FromMime(message), ct);

    public async Task<InboundOutcome> ProcessAsync(Guid tenantId, InboundMail mail, CancellationToken ct = default)
    {
        if (await UnsubscribeAsync(tenantId, mail, ct) is { } unsubscribed) return unsubscribed;
        var classification = InboundMailClassifier.Classify(mail);
        if (classification.Kind == InboundKind.Ignore)
        {
            logger.LogInformation("Inbound mail {MessageId} ({Source}) needs nothing recorded: {Reason}", mail.MessageId, mail.Source, classification.Reason);
            return InboundOutcome.Unmatched(classification.Kind);
        }
        if (await IsOurOwnAsync(tenantId, mail, ct))
        {
            // A copy of a mail we sent (Bcc to self, a sent folder rule) would otherwise match itself by sender or id.
            logger.LogInformation("Inbound mail {MessageId} is one of our own outbound messages; ignored", mail.MessageId);
            return InboundOutcome.Unmatched(classification.Kind);
        }

        var match = classification.IsBounce
            ? await matcher.MatchBounceAsync(tenantId, mail, classification.FailedRecipients, ct)
            : await matcher.MatchReplyAsync(tenantId, mail, ct);
        if (match is null)
        {
            logger.LogInformation("Inbound {Kind} {MessageId} ({Source}) matched no message or enrolled lead of tenant {TenantId}; ignored",
                classification.Kind, mail.MessageId, mail.Source, tenantId);
            return InboundOutcome.Unmatched(classification.Kind);
        }
        if (mail.MessageId is { } inboundId && await AlreadyRecordedAsync(tenantId, match.LeadId, inboundId, ct))
            return new InboundOutcome(true, InboundRecorded.None, match.LeadId, match.OutboundMessageId, classification.Kind, match.MatchedBy, Duplicate: true);

        var type = classification.Kind switch
        {
            InboundKind.Reply => EngagementType.Replied,
            InboundKind.AutoReply => EngagementType.OutOfOffice,
            InboundKind.HardBounce => EngagementType.Bounced,
            _ => EngagementType.SoftBounced,
        };
        var metadata = Metadata(mail, classification, match);
        var returnDate = type == EngagementType.OutOfOffice ? outOfOffice.Read(mail) : null;
        if (returnDate is not null) metadata["return_date"] = returnDate.FirstDayBack.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await recorder.RecordAsync(new EngagementInput(tenantId, match.LeadId, type, match.OutboundMessageId, Metadata: metadata), ct);
            if (returnDate is not null) await outOfOffice.HoldAsync(tenantId, match.LeadId, returnDate, ct);
            else if (type == EngagementType.OutOfOffice)
                logger.LogInformation("Out-of-office reply {MessageId} names no return date; lead {LeadId} keeps running", mail.MessageId, match.LeadId);
            if (type == EngagementType.Replied) await companyStop.StopColleaguesAsync(tenantId, match.LeadId, ct);
            if (type == EngagementType.SoftBounced && await SoftBouncesCountAsHardAsync(tenantId, match.LeadId, ct))
            {
                metadata["escalated_from"] = "soft_bounces";
                await recorder.RecordAsync(new EngagementInput(tenantId, match.LeadId, EngagementType.Bounced, match.OutboundMessageId, Metadata: metadata), ct);
                type = EngagementType.Bounced;
            }
        }
        catch (NotFoundException)
        {
            // The lead was deleted between matching and recording: nothing is left to stop.
            return InboundOutcome.Unmatched(classification.Kind);
        }
        return new InboundOutcome(true, Recorded(type), match.LeadId, match.OutboundMessageId, classification.Kind, match.MatchedBy);
    }

    /// <summary>A mail client's List-Unsubscribe mailto: the subject carries the message's signed token, which is the
    /// consent, as the one-click URL's is. A token of another tenant, or forged, makes it an ordinary mail.</summary>
    private async Task<InboundOutcome?> UnsubscribeAsync(Guid tenantId, InboundMail mail, CancellationToken ct)
    {
        if (UnsubscribeSubject.TokenIn(mail.Subject) is not { } token || !tokens.TryRead(token, out var payload)
            || payload.Kind != TrackingKind.Unsubscribe || payload.TenantId != tenantId)
            return null;
        var metadata = new Dictionary<string, string> { ["source"] = mail.Source == InboundSource.Imap ? "imap" : "webhook", ["via"] = "mailto" };
        if (mail.MessageId is { } id) metadata[InboundMessageIdKey] = id;
        try
        {
            await recorder.RecordAsync(new EngagementInput(tenantId, payload.LeadId, EngagementType.Unsubscribed, payload.OutboundMessageId, Metadata: metadata), ct);
        }
        catch (NotFoundException)
        {
            // The lead was erased since: there is nobody left to mail.
            return InboundOutcome.Unmatched(InboundKind.Reply);
        }
        logger.LogInformation("Inbound mail {MessageId} asked to unsubscribe lead {LeadId} (List-Unsubscribe mailto)", mail.MessageId, payload.LeadId);
        return new InboundOutcome(true, InboundRecorded.Unsubscribed, payload.LeadId, payload.OutboundMessageId, InboundKind.Reply, "unsubscribe_token");
    }

    private async Task<bool> IsOurOwnAsync(Guid tenantId, InboundMail mail, CancellationToken ct)
    {
        if (mail.MessageId is not { } id) return false;
        var bracketed = $"<{id}>";
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.OutboundMessages.IgnoreQueryFilters().AnyAsync(m => m.TenantId == tenantId && m.MessageId == bracketed, ct);
    }

    /// <summary>Providers retry webhooks and IMAP state can be reset: the same inbound Message-ID is recorded once.
    /// Metadata is JSON, so the check reads this lead's inbound events rather than querying inside the column.</summary>
    private async Task<bool> AlreadyRecordedAsync(Guid tenantId, Guid leadId, string inboundId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var events = await db.EngagementEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.LeadId == leadId
                        && (e.Type == EngagementType.Replied || e.Type == EngagementType.OutOfOffice || e.Type == EngagementType.Bounced || e.Type == EngagementType.SoftBounced))
            .Select(e => e.Metadata).ToListAsync(ct);
        return events.Any(m => m.TryGetValue(InboundMessageIdKey, out var seen) && seen == inboundId);
    }

    private async Task<bool> SoftBouncesCountAsHardAsync(Guid tenantId, Guid leadId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var bouncedAlready = await db.Leads.IgnoreQueryFilters()
            .AnyAsync(l => l.Id == leadId && l.TenantId == tenantId && l.BouncedAt != null, ct);
        if (bouncedAlready) return false;
        var last = await db.EngagementEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.LeadId == leadId && (e.Type == EngagementType.Bounced || e.Type == EngagementType.SoftBounced))
            .OrderByDescending(e => e.OccurredAt).Take(SoftBouncesForHard).Select(e => e.Type).ToListAsync(ct);
        return last.Count == SoftBouncesForHard && last.All(t => t == EngagementType.SoftBounced);
    }

    private static Dictionary<string, string> Metadata(InboundMail mail, InboundClassification classification, InboundMatch match)
    {
        var metadata = new Dictionary<string, string>
        {
            ["source"] = mail.Source == InboundSource.Imap ? "imap" : "webhook",
            ["matched_by"] = match.MatchedBy,
            ["classified_by"] = classification.Reason,
        };
        if (mail.MessageId is { } id) metadata[InboundMessageIdKey] = id;
        if (!string.IsNullOrEmpty(mail.From)) metadata["from"] = Truncate(mail.From, 254);
        if (mail.Subject is { Length: > 0 } subject) metadata["subject"] = Truncate(subject, 200);
        if (classification.Status is { } status) metadata["status"] = status;
        if (classification.FailedRecipients.Count > 0) metadata["recipient"] = Truncate(classification.FailedRecipients[0], 254);
        return metadata;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private static InboundRecorded Recorded(EngagementType type) => type switch
    {
        EngagementType.Replied => InboundRecorded.Replied,
        EngagementType.OutOfOffice => InboundRecorded.OutOfOffice,
        EngagementType.Bounced => InboundRecorded.Bounced,
        EngagementType.SoftBounced => InboundRecorded.SoftBounced,
        _ => InboundRecorded.None,
    };
}
