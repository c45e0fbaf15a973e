using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Sequences.Infrastructure.Engine;

public static class EngineServiceCollectionExtensions
{
    public static IServiceCollection AddSequencesEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EngineOptions>(configuration.GetSection(EngineOptions.Section));
        var options = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        services.AddSingleton<PublicBaseUrl>();
        services.AddSingleton<Tracking.MessageTracker>();
        services.AddSingleton<PassHistory>();
        services.AddSingleton<QueuePass>();
        services.AddScoped<EmailComposer>();
        services.AddScoped<ActionRunner>();
        services.AddScoped<TrackingLinks>();
        services.AddScoped<EngagementRecorder>();
        services.AddScoped<EnrollmentService>();
        services.AddScoped<Explain.ExplainService>();
        services.AddScoped<SequenceLifecycle>();
        services.AddScoped<QueueHealth>();
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddHttpClient(ActionRunner.WebhookClient).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var webhooks = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>();
            return WebhookAddressGuard.CreateHandler(() => webhooks.CurrentValue.AllowPrivate);
        });

        if (options.SchedulerEnabled)
        {
            services.AddQuartz(q =>
            {
                var key = new JobKey(nameof(QueuePassJob));
                q.AddJob<QueuePassJob>(j => j.WithIdentity(key));
                q.AddTrigger(t => t.ForJob(key).WithIdentity($"{nameof(QueuePassJob)}-trigger")
                    .StartAt(DateTimeOffset.UtcNow + options.PollInterval)
                    .WithSimpleSchedule(s => s.WithInterval(options.PollInterval).RepeatForever()));
            });
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }
        return services;
    }
}

/// <summary>The scheduler: one pass over every tenant per poll interval, never two at once in a host.</summary>
[DisallowConcurrentExecution]
public sealed class QueuePassJob(QueuePass pass) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await pass.RunAsync(null, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // QueuePass logged it; the next interval runs the next pass. Rethrowing would only make Quartz log it twice.
        }
    }
}
