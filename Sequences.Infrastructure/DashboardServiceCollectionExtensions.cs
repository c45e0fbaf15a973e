using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Mailboxes;
using Sequences.Infrastructure.Notifications;
using Sequences.Infrastructure.Outbox;
using Sequences.Infrastructure.Templates;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The services behind the admin dashboards (leads, import, queue decisions, outbox, templates, notifications, settings).
    /// Needs <c>AddSequencesInfrastructure</c> first.</summary>
    public static IServiceCollection AddSequencesDashboards(this IServiceCollection services)
    {
        services.AddScoped<LeadImportService>();
        services.AddScoped<LeadQueryService>();
        services.AddScoped<LeadExportService>();
        services.AddScoped<LeadActionService>();
        services.AddScoped<UnknownOutcomeService>();
        services.AddScoped<OutboxService>();
        services.AddScoped<TemplateService>();
        services.AddScoped<NotificationService>();
        services.AddScoped<MailboxService>();
        services.AddScoped<MailboxConnectionTester>();
        services.AddScoped<TenantSettingsService>();
        return services;
    }
}
