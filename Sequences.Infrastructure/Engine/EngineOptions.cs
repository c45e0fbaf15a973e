namespace Sequences.Infrastructure.Engine;

/// <summary>Queue pass tuning, bound from <c>Sequences:Engine</c>.</summary>
public sealed class EngineOptions
{
    public const string Section = "Sequences:Engine";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
    public int BatchSize { get; set; } = 200;
    public int Parallelism { get; set; } = 4;
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Whether the scheduler runs in this host (a host may serve only the UI and API).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>Back-off after a 4xx SMTP reply, per retry (DESIGN: 1, 5, 15 minutes); after the last, the send fails.</summary>
    public static readonly TimeSpan[] RetryBackoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];
}
