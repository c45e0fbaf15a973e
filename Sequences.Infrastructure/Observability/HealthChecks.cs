using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Mail;

namespace Sequences.Infrastructure.Observability;

/// <summary><c>Health:*</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>/health reports Degraded when the oldest due enrollment has waited longer than this (15 minutes).</summary>
    public TimeSpan MaxQueueLag { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the relay check waits for the SMTP greeting (5 seconds).</summary>
    public TimeSpan RelayTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Mail can leave: the SMTP relay greets with 220, or the pickup folder is writable. Degraded, never
/// Unhealthy: the app still serves and the queue waits (DESIGN §6: only a database failure answers 503).</summary>
public sealed class MailRelayHealthCheck(IOptions<MailOptions> mail, IOptions<HealthOptions> health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var options = mail.Value;
        if (options.Transport == MailTransportKind.Pickup) return PickupWritable(options.PickupDirectory);
        var smtp = options.Smtp;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(health.Value.RelayTimeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(smtp.Host, smtp.EffectivePort, timeout.Token);
            if (smtp.Security == SmtpSecurity.Ssl) return HealthCheckResult.Healthy($"SMTP relay {smtp.Host}:{smtp.EffectivePort} accepts connections.");
            var buffer = new byte[512];
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
            var greeting = Encoding.ASCII.GetString(buffer, 0, read);
            return greeting.StartsWith("220", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy($"SMTP relay {smtp.Host}:{smtp.EffectivePort} is ready.")
                : HealthCheckResult.Degraded($"SMTP relay {smtp.Host}:{smtp.EffectivePort} answered '{greeting.Trim()}' instead of 220.");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return HealthCheckResult.Degraded($"SMTP relay {smtp.Host}:{smtp.EffectivePort} is not reachable: {e.Message}");
        }
    }

    private static HealthCheckResult PickupWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".health-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return HealthCheckResult.Healthy($"Pickup folder {Path.GetFullPath(directory)} is writable.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Degraded($"Pickup folder {directory} is not writable: {e.Message}");
        }
    }
}

/// <summary>The queue keeps up: Degraded when the oldest due enrollment waited longer than Health:MaxQueueLag.</summary>
public sealed class QueueLagHealthCheck(QueueProbe probe, IOptions<HealthOptions> health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var snapshot = await probe.MeasureAsync(ct);
        var data = new Dictionary<string, object> { ["due"] = snapshot.Due, ["lag_seconds"] = snapshot.LagSeconds };
        var max = health.Value.MaxQueueLag.TotalSeconds;
        return snapshot.LagSeconds > max
            ? HealthCheckResult.Degraded($"The oldest of {snapshot.Due} due enrollment(s) has waited {snapshot.LagSeconds:0} s (more than {max:0} s).", data: data)
            : HealthCheckResult.Healthy($"{snapshot.Due} due, lag {snapshot.LagSeconds:0} s.", data);
    }
}

public static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddSequencesObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.Configure<HealthOptions>(configuration.GetSection(HealthOptions.Section));
        services.AddSingleton<SequencesMetrics>();
        services.AddSingleton<QueueProbe>();
        return services;
    }

    /// <summary>The mail relay and queue lag checks beside the database one.</summary>
    public static IHealthChecksBuilder AddSequencesChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<MailRelayHealthCheck>("mail", HealthStatus.Degraded, ["mail"])
        .AddCheck<QueueLagHealthCheck>("queue", HealthStatus.Degraded, ["queue"]);
}
