using Microsoft.EntityFrameworkCore;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

/// <summary>
/// Runs the A/B auto-winner test for a sequence's undecided steps when a pass first loads the sequence: two grouped
/// queries for all its steps (sends, then successes, per step and variant), never one per lead.
/// </summary>
internal static class AutoWinnerDecider
{
    /// <summary>The decisions this test reached now, per step; the caller stores them.</summary>
    public static async Task<IReadOnlyList<(SequenceStep Step, WinnerDecision Decision)>> DecideAsync(
        SequencesDbContext db, Sequence sequence, IEnumerable<SequenceStep> steps, DateTime now, CancellationToken ct)
    {
        var open = steps.Where(s => s is { StepType: StepType.Email, AutoWinner: not null, Winner: null } && s.Variants.Count >= 2).ToList();
        if (open.Count == 0) return [];

        var stepIds = open.Select(s => s.Id).ToList();
        var messages = db.OutboundMessages.IgnoreQueryFilters()
            .Where(m => m.TenantId == sequence.TenantId && m.SequenceId == sequence.Id && stepIds.Contains(m.StepId)
                && m.Status == OutboundStatus.Sent && m.Variant != null);
        var sends = await messages.GroupBy(m => new { m.StepId, m.Variant })
            .Select(g => new Row(g.Key.StepId, g.Key.Variant!, g.Count())).ToListAsync(ct);

        // Only the metrics some step asks for; a message counts once however many events it had. For an "open"
        // step a click is read as an open (the pixel may have been blocked), so both collapse into one row.
        var wanted = open.SelectMany(s => Types(s.AutoWinner!.Metric)).Distinct().ToList();
        var openSteps = open.Where(s => s.AutoWinner!.Metric == AbMetric.Open).Select(s => s.Id).ToList();
        var successes = await db.EngagementEvents.IgnoreQueryFilters()
            .Where(e => e.TenantId == sequence.TenantId && e.SequenceId == sequence.Id && e.MessageId != null && wanted.Contains(e.Type))
            .Join(messages, e => e.MessageId, m => m.Id, (e, m) => new
            {
                m.StepId, m.Variant, m.Id,
                Type = e.Type == EngagementType.Clicked && openSteps.Contains(m.StepId) ? EngagementType.Opened : e.Type,
            })
            .Distinct()
            .GroupBy(x => new { x.StepId, x.Variant, x.Type })
            .Select(g => new TypedRow(g.Key.StepId, g.Key.Variant!, g.Key.Type, g.Count()))
            .ToListAsync(ct);

        var decided = new List<(SequenceStep, WinnerDecision)>();
        foreach (var step in open)
        {
            var rule = step.AutoWinner!;
            var type = Types(rule.Metric)[0];
            var counts = step.Variants.Select(v => new VariantCount(v.Variant,
                sends.Where(r => r.StepId == step.Id && r.Variant == v.Variant).Sum(r => r.Count),
                successes.Where(r => r.StepId == step.Id && r.Variant == v.Variant && r.Type == type).Sum(r => r.Count))).ToList();
            if (AbTest.Decide(counts, rule, now) is { } decision) decided.Add((step, decision));
        }
        return decided;
    }

    private static EngagementType[] Types(AbMetric? metric) => metric switch
    {
        AbMetric.Open => [EngagementType.Opened, EngagementType.Clicked],
        AbMetric.Click => [EngagementType.Clicked],
        _ => [EngagementType.Replied],
    };

    private sealed record Row(Guid StepId, string Variant, int Count);

    private sealed record TypedRow(Guid StepId, string Variant, EngagementType Type, int Count);
}
