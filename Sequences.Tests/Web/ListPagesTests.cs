using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Campaigns;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Leads;
using Sequences.Web.Components.Pages.Campaigns;
using Sequences.Web.Components.Pages.Leads;

namespace Sequences.Tests.Web;

public sealed class ListPagesTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private PageTestContext _context = default!;

    public async Task InitializeAsync() => _context = await PageTestContext.CreateAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Leads_page_lists_the_tenants_leads_only()
    {
        var ada = await CreateLeadAsync(_context.TenantA, new LeadInput
        {
            Email = "ada@example.com", FirstName = "Ada", LastName = "Lovelace", Company = "Engines Ltd",
            Timezone = "Europe/London", Tags = ["vip"],
        });
        await CreateLeadAsync(_context.TenantB, new LeadInput { Email = "other@example.com", Name = "Other Tenant" });

        var page = _context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().ContainSingle(), Wait);
        var row = page.Find("[data-testid=leads-grid] [data-testid=lead-row]");
        row.GetAttribute("data-lead-id").Should().Be(ada.Id.ToString());
        row.TextContent.Should().Contain("ada@example.com").And.Contain("Ada Lovelace").And.Contain("Engines Ltd")
            .And.Contain("vip").And.Contain("Europe/London");
        page.Markup.Should().NotContain("other@example.com");
    }

    [Fact]
    public async Task Leads_page_searches_on_the_server()
    {
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "ada@example.com", Company = "Engines Ltd" });
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "grace@example.com", Company = "Navy" });
        var page = _context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(2), Wait);

        await page.Find("input[data-testid=leads-search]").InputAsync(new ChangeEventArgs { Value = "navy" });
        _context.Clock.Advance(TimeSpan.FromSeconds(1));

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Select(Text)
            .Should().ContainSingle().Which.Should().Contain("grace@example.com"), Wait);
    }

    [Fact]
    public async Task Leads_page_keeps_its_search_and_filters_in_the_address_so_back_and_reload_show_the_same_leads()
    {
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "ada@example.com", Company = "Engines Ltd", Tags = ["vip"] });
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "alan@example.com", Company = "Engines Ltd" });
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "grace@example.com", Company = "Navy", Tags = ["vip"] });
        var navigation = _context.Bunit.Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo("/leads?q=engines&tag=vip");
        var page = _context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Select(Text).Should().ContainSingle().Which.Should().Contain("ada@example.com"), Wait);
        page.Find("input[data-testid=leads-search]").GetAttribute("value").Should().Be("engines");

        await page.Find("input[data-testid=leads-search]").InputAsync(new ChangeEventArgs { Value = "navy" });
        _context.Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => new Uri(navigation.Uri).Query.Should().Contain("q=navy").And.Contain("tag=vip"), Wait);
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Select(Text).Should().ContainSingle().Which.Should().Contain("grace@example.com"), Wait);

        navigation.NavigateTo("/leads");
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(3, "a link to the bare list shows every lead"), Wait);
        page.Find("input[data-testid=leads-search]").GetAttribute("value").Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task A_search_given_as_the_page_request_finds_only_matching_leads_as_the_preview_and_template_pickers_ask()
    {
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "ada@example.com", Company = "Engines Ltd" });
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "grace@example.com", Company = "Navy" });

        Page<Lead>? page = null;
        await _context.AsTenantAsync(_context.TenantA, async services =>
            page = await services.GetRequiredService<LeadQueryService>().ListAsync(new PageRequest(1, 8, "navy"), new LeadFilter()));

        page!.Items.Select(l => l.Email).Should().Equal("grace@example.com");
    }

    [Fact]
    public async Task Leads_that_arrived_together_are_listed_by_address()
    {
        var emails = new[] { "lead3@acme.com", "lead10@acme.com", "lead1@acme.com", "lead2@acme.com", "amy@acme.com" };
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            var leads = services.GetRequiredService<LeadService>();
            foreach (var email in emails) await leads.CreateAsync(new LeadInput { Email = email });
        });

        var page = _context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Select(r => r.QuerySelector("[data-testid=lead-link]")!.TextContent.Trim())
            .Should().Equal(emails.Order(StringComparer.Ordinal)), Wait);
    }

    [Fact]
    public async Task A_mangled_filter_in_the_address_shows_every_lead_not_an_error()
    {
        await CreateLeadAsync(_context.TenantA, new LeadInput { Email = "ada@example.com" });
        _context.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo("/leads?campaign_id=not-an-id&state=sideways&page=-4");

        var page = _context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().ContainSingle(), Wait);
    }

    [Fact]
    public async Task Campaigns_page_lists_campaigns_with_counts()
    {
        await _context.AsTenantAsync(_context.TenantA, services =>
            services.GetRequiredService<CampaignService>().CreateAsync(new CampaignInput("Spring push", "Q2 outreach", null)));
        await _context.AsTenantAsync(_context.TenantB, services =>
            services.GetRequiredService<CampaignService>().CreateAsync(new CampaignInput("Their campaign", null, null)));

        var page = _context.Bunit.Render<CampaignList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=campaigns-grid] [data-testid=campaign-row]").Should().ContainSingle(), Wait);
        page.Find("[data-testid=campaign-name]").TextContent.Should().Be("Spring push");
        page.Find("[data-testid=campaign-leads]").TextContent.Trim().Should().Be("0");
        page.Find("[data-testid=campaign-sequences]").TextContent.Trim().Should().Be("0");
        page.Markup.Should().Contain("Q2 outreach").And.NotContain("Their campaign");
    }

    [Fact]
    public void Campaigns_page_shows_an_empty_state()
    {
        var page = _context.Bunit.Render<CampaignList>();

        page.WaitForAssertion(() => page.Find("[data-testid=campaigns-grid-empty]").TextContent
            .Should().Contain("No campaigns yet"), Wait);
    }

    private async Task<Lead> CreateLeadAsync(Guid tenantId, LeadInput input)
    {
        Lead? lead = null;
        await _context.AsTenantAsync(tenantId, async services =>
            lead = await services.GetRequiredService<LeadService>().CreateAsync(input));
        _context.Clock.Advance(TimeSpan.FromMinutes(1));
        return lead!;
    }

    private static string Text(IElement element) => element.TextContent;
}
