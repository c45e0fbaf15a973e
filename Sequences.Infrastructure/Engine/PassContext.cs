using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Infrastructure.Engine;

/// <summary>What one pass knows about a sequence: loaded once per pass, shared by its workers.</summary>
internal sealed record SequenceRuntime(
    Sequence Sequence, SequencePlan Plan, string? OwnerName, string? OwnerEmail, string FromAddress, string? FromName,
    string? TenantZone, string WebhookSecret, Core.Mail.Mailbox? Mailbox, string? CampaignName = null);

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
