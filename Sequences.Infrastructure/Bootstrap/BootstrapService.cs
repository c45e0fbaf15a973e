using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Sequences.Core.Campaigns;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Infrastructure.Bootstrap;

public sealed class BootstrapTenant
{
    public string? Name { get; set; }
    public string? ApiKey { get; set; }
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}

public sealed record DemoLogin(string Email, string Password, string ApiKey);

/// <summary>Creates the configured tenants, admins and keys when missing; on an empty database with
/// nothing configured, a demo tenant with leads and a sequence, whose login is printed once.</summary>
public sealed class BootstrapService(
    IConfiguration configuration,
    IDbContextFactory<SequencesDbContext> contexts,
    UserManager<AppUser> users,
    ApiKeyService apiKeys,
    TenantContext tenantContext,
    SequenceService sequences,
    CampaignService campaigns,
    ILogger<BootstrapService> logger)
{
    public const string DemoEmail = "demo@sequences.local";

    public async Task<DemoLogin?> RunAsync(CancellationToken ct = default)
    {
        var configured = configuration.GetSection("Sequences:Bootstrap:Tenants").Get<List<BootstrapTenant>>() ?? [];
        foreach (var t in configured.Where(t => !string.IsNullOrWhiteSpace(t.Name)))
            await EnsureTenantAsync(t, ct);
        if (configured.Count > 0) return null;

        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Tenants.AnyAsync(ct)) return null;
        return await CreateDemoAsync(ct);
    }

    private async Task<(Tenant Tenant, AppUser? Admin)> EnsureTenantAsync(BootstrapTenant config, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Name == config.Name, ct);
        if (tenant is null)
        {
            tenant = new Tenant { Name = config.Name!.Trim(), CreatedAt = DateTime.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Created tenant {Tenant}", tenant.Name);
        }

        AppUser? admin = null;
        if (!string.IsNullOrWhiteSpace(config.AdminEmail))
        {
            admin = await users.FindByEmailAsync(config.AdminEmail);
            if (admin is null)
            {
                admin = new AppUser { UserName = config.AdminEmail, Email = config.AdminEmail, EmailConfirmed = true, TenantId = tenant.Id, DisplayName = "Admin" };
                var created = string.IsNullOrEmpty(config.AdminPassword)
                    ? await users.CreateAsync(admin)
                    : await users.CreateAsync(admin, config.AdminPassword);
                if (!created.Succeeded)
                    throw new InvalidOperationException($"Admin {config.AdminEmail} of tenant {tenant.Name} could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }
            else if (admin.TenantId != tenant.Id)
            {
                throw new InvalidOperationException($"{config.AdminEmail} already belongs to another tenant.");
            }
        }

        if (!string.IsNullOrWhiteSpace(config.ApiKey) && !await apiKeys.ExistsAsync(config.ApiKey, ct))
        {
            if (admin is null) throw new InvalidOperationException($"Tenant {tenant.Name}: an ApiKey needs an AdminEmail to belong to.");
            await apiKeys.CreateAsync(tenant.Id, admin.Id, "bootstrap", config.ApiKey, ct);
        }
        return (tenant, admin);
    }

    private async Task<DemoLogin> CreateDemoAsync(CancellationToken ct)
    {
        var password = TeamService.TemporaryPassword();
        var key = ApiKeyService.NewKey();
        var (tenant, admin) = await EnsureTenantAsync(new BootstrapTenant { Name = "Demo", AdminEmail = DemoEmail, AdminPassword = password, ApiKey = key }, ct);
        tenantContext.Set(tenant.Id, admin!.Id);
        await SeedDemoDataAsync(ct);
        return new DemoLogin(DemoEmail, password, key);
    }

    private async Task SeedDemoDataAsync(CancellationToken ct)
    {
        var sequence = await sequences.CreateAsync(new SequenceInput
        {
            Name = "Demo: cold outreach",
            Description = "Intro, a nudge two days later unless they replied, and a break-up email.",
            Settings = new SequenceSettings { Timezone = "America/New_York" },
            Steps =
            [
                new StepInput
                {
                    StepType = StepType.Email, Name = "Intro",
                    SubjectLine = "Quick question, {{ lead.first_name }}",
                    BodyHtml = "<p>Hi {{ lead.first_name }},</p><p>Teams like {{ lead.company }} use us to follow up on time. Worth a chat?</p><p>{{ user.name }}</p>",
                },
                new StepInput { StepType = StepType.Condition, Name = "No reply yet?", DelayDays = 2, ConditionType = ConditionType.IfNotReplied, SendTime = "10:00" },
                new StepInput
                {
                    StepType = StepType.Email, Name = "Follow-up",
                    SubjectLine = "Re: Quick question, {{ lead.first_name }}",
                    BodyHtml = "<p>Hi {{ lead.first_name }}, just bumping this up. Does next week work?</p>",
                },
                new StepInput
                {
                    StepType = StepType.Email, Name = "Break-up", DelayDays = 4,
                    SubjectLine = "Closing the loop",
                    BodyHtml = "<p>Hi {{ lead.first_name }}, I'll stop here. If timing changes, just reply.</p>",
                },
            ],
        }, ct);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var leads = new[]
        {
            new Lead { Email = "ada@example.com", FirstName = "Ada", LastName = "Lovelace", Name = "Ada Lovelace", Company = "Analytical Engines", Title = "VP Engineering", Timezone = "Europe/London", Country = "GB", Tags = ["trial"] },
            new Lead { Email = "grace@example.com", FirstName = "Grace", LastName = "Hopper", Name = "Grace Hopper", Company = "Compilers Inc", Title = "CTO", Timezone = "America/New_York", Country = "US" },
            new Lead { Email = "alan@example.com", FirstName = "Alan", LastName = "Turing", Name = "Alan Turing", Company = "Bletchley Labs", Title = "Head of Research", Timezone = "Europe/London", Country = "GB" },
            new Lead { Email = "katherine@example.com", FirstName = "Katherine", LastName = "Johnson", Name = "Katherine Johnson", Company = "Orbital", Title = "VP Operations", Timezone = "America/Chicago", Country = "US", Tags = ["trial"] },
            new Lead { Email = "srinivasa@example.com", FirstName = "Srinivasa", LastName = "Ramanujan", Name = "Srinivasa Ramanujan", Company = "Series Ltd", Title = "Founder", Timezone = "Asia/Kolkata", Country = "IN" },
        };
        db.Leads.AddRange(leads);
        var campaign = new Campaign { Name = "Demo campaign", Description = "The demo leads, assigned to the demo sequence." };
        db.Campaigns.Add(campaign);
        db.CampaignLeads.AddRange(leads.Select(l => new CampaignLead { CampaignId = campaign.Id, LeadId = l.Id, AddedAt = DateTime.UtcNow }));
        await db.SaveChangesAsync(ct);
        // Enrolled, as a person would enroll them: starting the demo sequence then mails its five leads (to the outbox)
        // instead of starting with nobody in it.
        await campaigns.AssignSequenceAsync(campaign.Id, new AssignSequenceInput(sequence.Id, EnrollExisting: true, Criteria: null), ct);
    }
}
