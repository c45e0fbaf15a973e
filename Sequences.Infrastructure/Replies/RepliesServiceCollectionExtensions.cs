using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Sequences.Infrastructure.Engine;

namespace Sequences.Infrastructure.Replies;

public static class RepliesServiceCollectionExtensions
{
    /// <summary>Inbound replies and bounces (webhook and IMAP). Needs <see cref="EngineServiceCollectionExtensions.AddSequencesEngine"/>
    /// (the <see cref="EngagementRecorder"/> and the Quartz hosted service).</summary>
    public static IServiceCollection AddSequencesReplies(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReplyOptions>(configuration.GetSection(ReplyOptions.Section));
        var options = configuration.GetSection(ReplyOptions.Section).Get<ReplyOptions>() ?? new ReplyOptions();
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        services.AddScoped<ReplyMatcher>();
        services.AddScoped<InboundProcessor>();
        services.AddScoped<OutOfOfficeHold>();
        services.AddScoped<CompanyReplyStop>();
        services.AddSingleton<ImapPoller>();

        // Same switch as the queue pass: a host that runs no scheduler polls no mailboxes either.
        if (engine.SchedulerEnabled && options.PollInterval > TimeSpan.Zero)
            services.AddQuartz(q =>
            {
                var key = new JobKey(nameof(ImapPollJob));
                q.AddJob<ImapPollJob>(j => j.WithIdentity(key));
                q.AddTrigger(t => t.ForJob(key).WithIdentity($"{nameof(ImapPollJob)}-trigger")
                    .StartAt(DateTimeOffset.UtcNow + options.PollInterval)
                    .WithSimpleSchedule(s => s.WithInterval(options.PollInterval).RepeatForever()));
            });
        return services;
    }
}

/// <summary>Polls every mailbox with IMAP settings; never two polls at once in a host.</summary>
[DisallowConcurrentExecution]
public sealed class ImapPollJob(ImapPoller poller) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await poller.PollAllAsync(cancellationToken);
}
