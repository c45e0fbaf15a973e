using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Campaigns;
using Sequences.Core.Engine;
using Sequences.Infrastructure.Campaigns;
using Sequences.Web.Components.Pages.Campaigns;

namespace Sequences.Tests.Web;

public sealed class CampaignPagesTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Creating_a_campaign_opens_its_page()
    {
        var page = Context.Bunit.Render<CampaignList>();
        page.Find("[data-testid=campaign-new]").Click();

        await page.Find("input[data-testid=campaign-name-input]").InputAsync(new ChangeEventArgs { Value = "Spring push" });
        page.Find("[data-testid=campaign-create]").Click();

        var id = await Seed.QueryAsync(Context.TenantA, db => db.Campaigns.Where(c => c.Name == "Spring push").Select(c => c.Id).SingleAsync());
        var navigation = Context.Bunit.Services.GetService(typeof(NavigationManager)) as NavigationManager;
        navigation!.Uri.Should().EndWith($"/campaigns/{id}");
    }

    [Fact]
    public async Task A_campaign_can_be_renamed_and_a_blank_name_is_refused_keeping_what_was_typed()
    {
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Q3 outbound" });
            await db.SaveChangesAsync();
        });
        var page = Context.Bunit.Render<CampaignDetail>(p => p.Add(x => x.Id, campaignId));
        page.WaitForElement("[data-testid=campaign-edit]", Wait).Click();

        await page.Find("input[data-testid=campaign-edit-name]").InputAsync(new ChangeEventArgs { Value = "  " });
        await page.Find("textarea[data-testid=campaign-edit-description]").ChangeAsync(new ChangeEventArgs { Value = "Founders in Berlin" });
        page.Find("[data-testid=campaign-edit-save]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-edit-error]").TextContent.Should().Contain("name is required"), Wait);
        page.Find("textarea[data-testid=campaign-edit-description]").GetAttribute("value").Should().Be("Founders in Berlin");

        await page.Find("input[data-testid=campaign-edit-name]").InputAsync(new ChangeEventArgs { Value = "Q4 outbound" });
        page.Find("[data-testid=campaign-edit-save]").Click();
        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Q4 outbound"), Wait);
        page.FindAll("[data-testid=campaign-edit-form]").Should().BeEmpty();
        var stored = await Seed.QueryAsync(Context.TenantA, db => db.Campaigns.SingleAsync(c => c.Id == campaignId));
        (stored.Name, stored.Description).Should().Be(("Q4 outbound", "Founders in Berlin"));
    }

    [Fact]
    public async Task Add_matching_leads_then_assign_a_sequence_enrolling_existing_leads_with_criteria()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        await Seed.LeadAsync(Context.TenantA, "ceo@example.com", tags: ["webinar"]);
        await Seed.LeadAsync(Context.TenantA, "dev@example.com", tags: ["webinar"]);
        await Seed.LeadAsync(Context.TenantA, "nope@example.com");
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Webinar" });
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<CampaignDetail>(p => p.Add(x => x.Id, campaignId));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-value").Should().Be("3"), Wait);
        // The count follows the search as it is typed, before the field loses focus.
        await page.Find("input[data-testid=campaign-add-query]").InputAsync(new ChangeEventArgs { Value = "nobody-by-this-name" });
        Context.Clock.Advance(TimeSpan.FromSeconds(1)); // past the field's debounce
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-matching").Should().Be("0"), Wait);
        await page.Find("input[data-testid=campaign-add-query]").InputAsync(new ChangeEventArgs { Value = "" });
        Context.Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-value").Should().Be("3"), Wait);
        await page.Find("input[data-testid=campaign-add-tag]").InputAsync(new ChangeEventArgs { Value = "webinar" });
        Context.Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-value").Should().Be("2"), Wait);
        page.Find("[data-testid=campaign-add-leads]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-result]").TextContent.Should().StartWith("2 lead(s) added"), Wait);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-lead-count]").GetAttribute("data-value").Should().Be("2"), Wait);
        page.FindAll("[data-testid=campaign-lead-row]").Should().HaveCount(2);
        // Both matching leads are in now: the button offers nothing more to add, and says why.
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-value").Should().Be("0"), Wait);
        page.Find("[data-testid=campaign-add-count]").TextContent.Trim().Should().Be("All 2 matching leads are already in this campaign.");
        page.Find("[data-testid=campaign-add-leads]").HasAttribute("disabled").Should().BeTrue();
        await page.Find("input[data-testid=campaign-add-tag]").InputAsync(new ChangeEventArgs { Value = "" });
        Context.Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-add-count]").GetAttribute("data-value").Should().Be("1"), Wait);
        page.Find("[data-testid=campaign-add-count]").TextContent.Trim().Should().StartWith("3 leads match, 2 already in this campaign.");
        page.Find("[data-testid=campaign-add-leads]").TextContent.Trim().Should().Be("Add 1 lead");

        // Only leads whose email starts with "ceo" enter.
        var form = page.FindComponent<AssignSequenceForm>();
        await page.InvokeAsync(() => form.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(sequence.Id.ToString()));
        form.Find("[data-testid=campaign-criterion-add]").Click();
        form.Find("select[data-testid=criterion-field]").Change("email");
        form.Find("select[data-testid=criterion-op]").Change("starts_with");
        form.Find("input[data-testid=criterion-value]").Change("ceo");
        form.Find("[data-testid=campaign-assign]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-assign-result]").TextContent
            .Should().Contain("1 enrolled").And.Contain("1 not matching"), Wait);
        page.WaitForAssertion(() => page.FindAll("[data-testid=campaign-sequence-row]").Should().ContainSingle(), Wait);
        var enrolled = await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates
            .Join(db.Leads, s => s.LeadId, l => l.Id, (s, l) => new { l.Email, s.CampaignId }).ToListAsync());
        enrolled.Should().ContainSingle().Which.Should().Be(new { Email = "ceo@example.com", CampaignId = (Guid?)campaignId });
        var assignment = await Seed.QueryAsync(Context.TenantA, db => db.CampaignSequences.SingleAsync());
        assignment.EnrollExisting.Should().BeTrue();
        assignment.Criteria.Should().Equal(new LeadCriterion("email", "starts_with", "ceo"));
    }

    [Fact]
    public async Task A_sequence_removed_and_assigned_again_is_one_row_with_its_figures_once()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Again" });
            await db.SaveChangesAsync();
        });
        await Context.AsTenantAsync(Context.TenantA, async services =>
        {
            var campaigns = services.GetRequiredService<CampaignService>();
            await campaigns.AssignSequenceAsync(campaignId, new AssignSequenceInput(sequence.Id, EnrollExisting: false, null));
            await campaigns.RemoveSequenceAsync(campaignId, sequence.Id);
            await campaigns.AssignSequenceAsync(campaignId, new AssignSequenceInput(sequence.Id, EnrollExisting: true, null));
        });

        var page = Context.Bunit.Render<CampaignDetail>(p => p.Add(x => x.Id, campaignId));

        page.WaitForAssertion(() => page.FindAll("[data-testid=campaign-sequence-row]").Should().ContainSingle()
            .Which.TextContent.Should().Contain("existing and new leads").And.NotContain("removed"), Wait);
        page.FindAll("[data-testid=campaign-sequence-remove]").Should().ContainSingle("the assignment in force can be removed");
    }

    [Fact]
    public async Task A_lead_is_removed_from_the_campaign_after_asking_and_its_campaign_sequence_stops()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var leaving = await Seed.LeadAsync(Context.TenantA, "leaving@example.com");
        var staying = await Seed.LeadAsync(Context.TenantA, "staying@example.com");
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Spring" });
            await db.SaveChangesAsync();
        });
        await Context.AsTenantAsync(Context.TenantA, async services =>
        {
            var campaigns = services.GetRequiredService<CampaignService>();
            await campaigns.AssignSequenceAsync(campaignId, new AssignSequenceInput(sequence.Id, EnrollExisting: false, null));
            await campaigns.AddLeadsAsync(campaignId, [leaving.Id, staying.Id]);
        });
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<CampaignDetail>(p => p.Add(x => x.Id, campaignId));
        page.WaitForAssertion(() => page.FindAll("[data-testid=campaign-lead-row]").Should().HaveCount(2), Wait);

        page.FindAll("[data-testid=campaign-lead-row]").Single(r => r.GetAttribute("data-lead-id") == leaving.Id.ToString())
            .QuerySelector("[data-testid=campaign-lead-remove]")!.Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Take leaving@example.com out of \"Spring\"?"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForAssertion(() => page.FindAll("[data-testid=campaign-lead-row]").Select(r => r.GetAttribute("data-lead-id")).Should().Equal(staying.Id.ToString()), Wait);
        page.Find("[data-testid=campaign-lead-count]").GetAttribute("data-value").Should().Be("1");
        var states = await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.ToDictionaryAsync(s => s.LeadId, s => (s.Status, s.StoppedReason)));
        states[leaving.Id].Should().Be((EnrollmentStatus.Stopped, "removed"));
        states[staying.Id].Should().Be((EnrollmentStatus.Active, (string?)null));
    }

    [Fact]
    public async Task Another_tenants_campaign_shows_not_found()
    {
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantB, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Theirs" });
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<CampaignDetail>(p => p.Add(x => x.Id, campaignId));

        page.WaitForAssertion(() => page.Find("[data-testid=not-found]"), Wait);
    }
}
