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

internal sealed class PassCounters
{
    private int _processed;
    private int _sent;
    private int _failed;

    public int Processed => _processed;
    public int Sent => _sent;
    public int Failed => _failed;

    public void AddProcessed(int n) => Interlocked.Add(ref _processed, n);
    public void AddSent() => Interlocked.Increment(ref _sent);
    public void AddFailed() => Interlocked.Increment(ref _failed);
}
