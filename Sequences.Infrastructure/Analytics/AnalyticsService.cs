using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Infrastructure.Analytics;

/// <param name="Version">Only this version: its enrollments and its steps' events.</param>
public sealed record AnalyticsQuery(Guid? CampaignId, DateTime? From, DateTime? To, int? Version = null);

/// <summary>Unique counts: opens, clicks and bounces per message; replies and unsubscribes per lead. Rates are over sent.</summary>
public sealed record Metrics(int Sent, int Opened, int Clicked, int Replied, int Bounced, int Unsubscribed)
{
    public double OpenRate => Rate(Opened);
    public double ClickRate => Rate(Clicked);
    public double ReplyRate => Rate(Replied);
    public double BounceRate => Rate(Bounced);
    public double UnsubscribeRate => Rate(Unsubscribed);

    private double Rate(int n) => Sent == 0 ? 0 : Math.Round((double)n / Sent, 4);
}

public sealed record EnrollmentCounts(int Enrolled, int Active, int Paused, int Completed, int Stopped, IReadOnlyDictionary<string, int> StoppedByReason);

public sealed record StepMetrics(Guid StepId, int StepOrder, StepType StepType, string? Name, Metrics Metrics, int Version = 1);

public sealed record VersionMetrics(int Version, Metrics Metrics);

/// <param name="Winner">The step's auto-winner decision, on the winning variant's row only.</param>
public sealed record VariantMetrics(Guid StepId, string Variant, Metrics Metrics, bool Leader, WinnerDecision? Winner = null);

public sealed record DayMetrics(DateOnly Date, Metrics Metrics);

public sealed record SequenceAnalytics(
    Guid SequenceId, Guid? CampaignId, DateTime? From, DateTime? To, EnrollmentCounts Enrollments, Metrics Totals,
    IReadOnlyList<StepMetrics> ByStep, IReadOnlyList<VariantMetrics> ByVariant, IReadOnlyList<DayMetrics> ByDay,
    IReadOnlyList<VersionMetrics>? ByVersion = null);

/// <summary>What a sequence achieved, from the engagement events (the counters on enrollments follow the same events).</summary>
public sealed class AnalyticsService(IDbContextFactory<SequencesDbContext> contexts)
{
    public async Task<SequenceAnalytics> ForSequenceAsync(Guid id, AnalyticsQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await SequenceService.LoadAsync(db, id, tracking: false, ct, allVersions: true);
        // A draft has sent nothing: its steps are not reported.
        sequence.Steps.RemoveAll(s => s.Version == sequence.DraftVersion);
        if (query.Version is { } version && !sequence.Steps.Any(s => s.Version == version))
            throw new InputRejectedException("version", "unknown_version", $"Version {version} of this sequence has not been published.");
        if (query.CampaignId is { } cid && !await db.Campaigns.AnyAsync(c => c.Id == cid, ct))
            throw new InputRejectedException("campaign_id", "unknown_campaign", $"Campaign {cid} does not exist.");
        if (query.From is { } f && query.To is { } t && t <= f)
            throw new InputRejectedException("to", "invalid_range", "to must be after from.");

        var states = db.LeadSequenceStates.Where(s => s.SequenceId == id);
        if (query.CampaignId is { } campaign) states = states.Where(s => s.CampaignId == campaign);
        if (query.Version is { } onVersion) states = states.Where(s => s.Version == onVersion);
        var statuses = await states.GroupBy(s => new { s.Status, s.StoppedReason }).Select(g => new { g.Key.Status, g.Key.StoppedReason, Count = g.Count() }).ToListAsync(ct);
        int Count(EnrollmentStatus s) => statuses.Where(x => x.Status == s).Sum(x => x.Count);
        var enrollments = new EnrollmentCounts(statuses.Sum(x => x.Count), Count(EnrollmentStatus.Active), Count(EnrollmentStatus.Paused),
            Count(EnrollmentStatus.Completed), Count(EnrollmentStatus.Stopped),
            statuses.Where(x => x.Status == EnrollmentStatus.Stopped).GroupBy(x => x.StoppedReason ?? "unknown").ToDictionary(g => g.Key, g => g.Sum(x => x.Count)));

        // A reply matched by address only belongs to no message: it counts for every sequence the lead is in.
        var events = db.EngagementEvents.Where(e => e.SequenceId == id
            || (e.SequenceId == null && states.Any(s => s.LeadId == e.LeadId)));
        if (query.CampaignId is not null) events = events.Where(e => states.Any(s => s.LeadId == e.LeadId));
        if (query.Version is { } eventsOf)
        {
            var stepIds = sequence.Steps.Where(s => s.Version == eventsOf).Select(s => s.Id).ToList();
            events = events.Where(e => e.StepId != null ? stepIds.Contains(e.StepId.Value) : states.Any(s => s.LeadId == e.LeadId));
        }
        if (query.From is { } from) events = events.Where(e => e.OccurredAt >= from);
        if (query.To is { } to) events = events.Where(e => e.OccurredAt < to);

        var rows = await events.Select(e => new EventRow(e.Type, e.StepId, e.MessageId, e.LeadId, e.OccurredAt)).ToListAsync(ct);
        var variants = await db.OutboundMessages.Where(m => m.SequenceId == id && m.Variant != null)
            .Select(m => new { m.Id, m.Variant }).ToDictionaryAsync(m => m.Id, m => m.Variant!, ct);

        var stepsWithEvents = rows.Where(r => r.StepId != null).Select(r => r.StepId!.Value).ToHashSet();
        var byStep = sequence.Steps
            .Where(s => s.StepType == StepType.Email && (query.Version is { } v ? s.Version == v : s.Version == sequence.Version || stepsWithEvents.Contains(s.Id)))
            .OrderByDescending(s => s.Version).ThenBy(s => s.StepOrder)
            .Select(s => new StepMetrics(s.Id, s.StepOrder, s.StepType, s.Name, Measure(rows.Where(r => r.StepId == s.Id)), s.Version)).ToList();
        var versionOf = sequence.Steps.ToDictionary(s => s.Id, s => s.Version);
        var byVersion = rows.Where(r => r.StepId is { } sid && versionOf.ContainsKey(sid))
            .GroupBy(r => versionOf[r.StepId!.Value]).OrderByDescending(g => g.Key)
            .Select(g => new VersionMetrics(g.Key, Measure(g))).ToList();
        var byVariant = rows.Where(r => r.MessageId is { } m && variants.ContainsKey(m))
            .GroupBy(r => (r.StepId!.Value, variants[r.MessageId!.Value]))
            .Select(g => (g.Key.Item1, g.Key.Item2, Metrics: Measure(g)))
            .ToList();
        // A variant that has not sent yet is still in the test: it shows with nothing, rather than not at all.
        var shownSteps = byStep.Select(s => s.StepId).ToHashSet();
        foreach (var step in sequence.Steps.Where(s => shownSteps.Contains(s.Id)))
            foreach (var variant in step.Variants.Where(v => !byVariant.Any(b => b.Item1 == step.Id && b.Item2 == v.Variant)))
                byVariant.Add((step.Id, variant.Variant, new Metrics(0, 0, 0, 0, 0, 0)));
        var leaders = byVariant.GroupBy(v => v.Item1).Select(Leader).OfType<(Guid, string)>().ToHashSet();
        var byDay = rows.GroupBy(r => DateOnly.FromDateTime(r.OccurredAt)).OrderBy(g => g.Key)
            .Select(g => new DayMetrics(g.Key, Measure(g))).ToList();

        return new SequenceAnalytics(id, query.CampaignId, query.From, query.To, enrollments, Measure(rows), byStep,
            byVariant.OrderBy(v => sequence.Steps.FirstOrDefault(s => s.Id == v.Item1)?.StepOrder).ThenBy(v => v.Item2)
                .Select(v => new VariantMetrics(v.Item1, v.Item2, v.Metrics, leaders.Contains((v.Item1, v.Item2)),
                    sequence.Steps.FirstOrDefault(s => s.Id == v.Item1)?.Winner is { } won && won.Variant == v.Item2 ? won : null)).ToList(),
            byDay, byVersion);
    }

    /// <summary>The step's variant ahead on reply, then click, then open rate; none while the best two are level
    /// (after one send each with nothing back, every variant is at 0%, and calling one the leader would mislead).</summary>
    private static (Guid, string)? Leader(IEnumerable<(Guid StepId, string Variant, Metrics Metrics)> step)
    {
        var ranked = step.Where(v => v.Metrics.Sent > 0)
            .OrderByDescending(v => v.Metrics.ReplyRate).ThenByDescending(v => v.Metrics.ClickRate).ThenByDescending(v => v.Metrics.OpenRate).ToList();
        if (ranked.Count == 0) return null;
        static (double, double, double) Rates(Metrics m) => (m.ReplyRate, m.ClickRate, m.OpenRate);
        if (Rates(ranked[0].Metrics) == (0, 0, 0) || (ranked.Count > 1 && Rates(ranked[0].Metrics) == Rates(ranked[1].Metrics))) return null;
        return (ranked[0].StepId, ranked[0].Variant);
    }

    private static Metrics Measure(IEnumerable<EventRow> rows)
    {
        var list = rows as IReadOnlyCollection<EventRow> ?? rows.ToList();
        int PerMessage(EngagementType type) => list.Where(r => r.Type == type && r.MessageId != null).Select(r => r.MessageId).Distinct().Count();
        int PerLead(EngagementType type) => list.Where(r => r.Type == type).Select(r => r.LeadId).Distinct().Count();
        // A click counts as an open: the pixel may have been blocked.
        var opened = list.Where(r => r.Type is EngagementType.Opened or EngagementType.Clicked && r.MessageId != null).Select(r => r.MessageId).Distinct().Count();
        return new Metrics(PerMessage(EngagementType.Sent), opened, PerMessage(EngagementType.Clicked), PerLead(EngagementType.Replied),
            PerLead(EngagementType.Bounced), PerLead(EngagementType.Unsubscribed));
    }

    private sealed record EventRow(EngagementType Type, Guid? StepId, Guid? MessageId, Guid LeadId, DateTime OccurredAt);
}
