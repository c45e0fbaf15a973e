using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Infrastructure.Engine;

/// <summary>What one pass knows about a sequence: loaded once per pass, shared by its workers.</summary>
/// <param name="Plans">One plan per version that still has enrollments: the live one, and any that drain.</param>
internal sealed record SequenceRuntime(
    Sequence Sequence, IReadOnlyDictionary<int, SequencePlan> Plans, string? OwnerName, string? OwnerEmail, string FromAddress, string? FromName,
    string? TenantZone, string WebhookSecret, Core.Mail.Mailbox? Mailbox, string? CampaignName = null)
{
    /// <summary>An unknown version (its steps are gone) runs as an empty plan: the enrollment completes.</summary>
    public SequencePlan PlanFor(int version) =>
        Plans.TryGetValue(version, out var plan) ? plan : new SequencePlan(Sequence.Id, [], Sequence.Settings);
}

public sealed record PassResult(int Processed, int EmailsSent, int Failed, long DurationMs, DateTime StartedAt)
{
    public static PassResult Empty(DateTime at) => new(0, 0, 0, 0, at);
}

/// <summary>A pass's totals, and each tenant's share of them: an all-tenant pass shows each tenant only its own.</summary>
internal sealed class PassCounters
{
    private readonly Tally _all = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Tally> _tenants = new();

    public int Processed => _all.Processed;
    public int Sent => _all.Sent;
    public int Failed => _all.Failed;

    public IEnumerable<(Guid TenantId, int Processed, int Sent, int Failed)> ByTenant =>
        _tenants.Select(t => (t.Key, t.Value.Processed, t.Value.Sent, t.Value.Failed));

    public void AddProcessed(Guid tenantId, int n)
    {
        Interlocked.Add(ref _all.Processed, n);
        Interlocked.Add(ref Of(tenantId).Processed, n);
    }

    public void AddSent(Guid tenantId)
    {
        Interlocked.Increment(ref _all.Sent);
        Interlocked.Increment(ref Of(tenantId).Sent);
    }

    public void AddFailed(Guid tenantId)
    {
        Interlocked.Increment(ref _all.Failed);
        Interlocked.Increment(ref Of(tenantId).Failed);
    }

    private Tally Of(Guid tenantId) => _tenants.GetOrAdd(tenantId, _ => new Tally());

    private sealed class Tally
    {
        public int Processed;
        public int Sent;
        public int Failed;
    }
}
