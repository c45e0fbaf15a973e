using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Campaigns;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Sequences;
using Sequences.Web.Components.Pages.Sequences;

namespace Sequences.Tests.Web;

public sealed class SequenceDetailPageTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Funnel_chart_gets_sent_opened_clicked_replied_for_all_emails_and_per_step()
    {
        var (sequence, _) = await SequenceWithActivityAsync();

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=funnel-chart]").GetAttribute("data-sent").Should().Be("4"), Wait);
        var funnel = page.FindComponent<FunnelChart>().FindComponent<MudChart<double>>().Instance;
        funnel.ChartLabels.Should().Equal("Sent", "Opened", "Clicked", "Replied");
        funnel.ChartSeries.Select(s => s.Name).Should().Equal("All emails", "1. Hello", "2. Nudge");
        Values(funnel, "All emails").Should().Equal(4, 2, 1, 1);
        Values(funnel, "1. Hello").Should().Equal(3, 2, 1, 1);
        Values(funnel, "2. Nudge").Should().Equal(1, 0, 0, 0);
        page.Find("[data-testid=funnel-sent]").GetAttribute("data-value").Should().Be("4");
        page.Find("[data-testid=total-replied]").GetAttribute("data-value").Should().Be("1");
    }

    [Fact]
    public async Task Rates_chart_shows_a_run_of_days_with_percentages_and_gaps()
    {
        var (sequence, _) = await SequenceWithActivityAsync();
        await CreatedOnAsync(sequence.Id, new DateTime(2029, 12, 1, 9, 0, 0, DateTimeKind.Utc));

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.FindComponents<RatesChart>().Should().ContainSingle(), Wait);
        var rates = page.FindComponent<RatesChart>().FindComponents<MudChart<double>>()[0].Instance;
        rates.ChartLabels.Should().HaveCount(SequenceCharts.MinDays).And.EndWith("01-07");
        rates.ChartSeries.Select(s => s.Name).Should().Equal("Open rate %", "Click rate %", "Reply rate %");
        // All activity is on 2030-01-07: 4 sent, 2 opened (50 %), 1 clicked (25 %), 1 replied (25 %).
        rates.ChartSeries[0].Data.Points[^1].Y.Should().Be(50);
        rates.ChartSeries[1].Data.Points[^1].Y.Should().Be(25);
        rates.ChartSeries[0].Data.Points[0].HasValue.Should().BeFalse("days without sends are gaps, not zero rates");

        // A sequence two days old shows no days before it existed.
        await CreatedOnAsync(sequence.Id, new DateTime(2030, 1, 5, 9, 0, 0, DateTimeKind.Utc));
        var young = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));
        young.WaitForAssertion(() => young.FindComponents<RatesChart>().Should().ContainSingle(), Wait);
        young.FindComponent<RatesChart>().FindComponents<MudChart<double>>()[0].Instance.ChartLabels.Where(l => l != "")
            .Should().Equal("01-05", "01-06", "01-07");
    }

    private Task CreatedOnAsync(Guid sequenceId, DateTime at) =>
        Seed.WithDbAsync(Context.TenantA, db => db.Sequences.Where(s => s.Id == sequenceId).ExecuteUpdateAsync(u => u.SetProperty(s => s.CreatedAt, at)));

    [Fact]
    public async Task Progress_shows_leads_per_step_and_by_status()
    {
        var (sequence, leads) = await SequenceWithActivityAsync();
        await Seed.WithDbAsync(Context.TenantA, db => db.LeadSequenceStates.Where(s => s.LeadId == leads[0])
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, EnrollmentStatus.Paused)));

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=sequence-progress]").GetAttribute("data-total").Should().Be("3"), Wait);
        page.Find("[data-testid=progress-status][data-status=paused]").GetAttribute("data-count").Should().Be("1");
        page.Find("[data-testid=progress-status][data-status=active]").GetAttribute("data-count").Should().Be("2");
        var chart = page.FindComponent<SequenceProgressPanel>().FindComponent<MudChart<double>>().Instance;
        chart.ChartLabels.Should().Equal("1. Hello", "2. Nudge");
        chart.ChartSeries.Single().Data.Values.Should().Equal(3, 0);
    }

    [Fact]
    public async Task Ab_table_marks_the_leading_variant()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA, "A/B", variants: true);
        var nudge = sequence.Steps.Single(s => s.StepOrder == 2);
        for (var i = 0; i < 4; i++)
        {
            var lead = await Seed.LeadAsync(Context.TenantA, $"ab{i}@example.com");
            await Seed.EnrollAsync(Context.TenantA, lead.Id, sequence.Id);
            var variant = i % 2 == 0 ? "A" : "B";
            await Seed.MessageAsync(Context.TenantA, lead.Id, sequence, nudge, OutboundStatus.Sent, variant,
                events: variant == "B" ? [EngagementType.Opened, EngagementType.Replied] : [EngagementType.Opened]);
        }

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=ab-table] [data-testid=ab-row]").Should().HaveCount(2), Wait);
        var rows = page.FindAll("[data-testid=ab-row]");
        rows.Select(r => (r.GetAttribute("data-variant"), r.GetAttribute("data-leader"))).Should().Equal(("A", "false"), ("B", "true"));
        rows[1].QuerySelector("[data-testid=ab-leader]").Should().NotBeNull();
        rows[1].TextContent.Should().Contain("100%");
    }

    [Fact]
    public async Task Campaign_filter_narrows_the_analytics()
    {
        var (sequence, leads) = await SequenceWithActivityAsync();
        var campaignId = Guid.NewGuid();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Campaign { Id = campaignId, Name = "Only one" });
            await db.SaveChangesAsync();
            await db.LeadSequenceStates.Where(s => s.LeadId == leads[0]).ExecuteUpdateAsync(u => u.SetProperty(s => s.CampaignId, campaignId));
        });
        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=funnel-chart]").GetAttribute("data-sent").Should().Be("4"), Wait);

        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Campaign");
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(campaignId.ToString()));

        // leads[0] got step 1 and step 2, opened and clicked step 1.
        page.WaitForAssertion(() => page.Find("[data-testid=funnel-chart]").GetAttribute("data-sent").Should().Be("2"), Wait);
        page.WaitForAssertion(() => page.FindAll("[data-testid=enrolled-row]").Should().ContainSingle(), Wait);
    }

    [Fact]
    public async Task Start_button_starts_a_valid_draft_and_lists_problems_of_an_invalid_one()
    {
        var good = await Seed.SequenceAsync(Context.TenantA);
        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, good.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=sequence-start]").Click(), Wait);
        page.WaitForAssertion(() => page.Find("[data-testid=sequence-detail]").GetAttribute("data-status").Should().Be("active"), Wait);
        // Nobody is enrolled: starting sends nothing, and the message says so instead of "leads are scheduled".
        var snackbars = Context.Bunit.Services.GetRequiredService<ISnackbar>();
        page.WaitForAssertion(() => snackbars.ShownSnackbars.Select(s => (s.Message, s.Severity)).Should().ContainSingle().Which.Should().Be(
            ("Started. No leads are enrolled yet: assign the sequence to a campaign, or enroll leads from the Leads page.", Severity.Info)), Wait);
        page.Find("[data-testid=sequence-pause]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=sequence-detail]").GetAttribute("data-status").Should().Be("paused"), Wait);

        Sequence? empty = null;
        await Context.AsTenantAsync(Context.TenantA, async services =>
            empty = await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput { Name = "Empty" }));
        var invalid = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, empty!.Id));
        invalid.WaitForAssertion(() => invalid.Find("[data-testid=sequence-start]").Click(), Wait);
        invalid.WaitForAssertion(() => invalid.Find("[data-testid=sequence-start-errors]").TextContent.Should().Contain("cannot start"), Wait);
        invalid.Find("[data-testid=sequence-detail]").GetAttribute("data-status").Should().Be("draft");
    }

    [Fact]
    public async Task Enrolled_leads_table_pauses_a_lead_and_the_progress_follows()
    {
        var (sequence, leads) = await SequenceWithActivityAsync();
        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));
        page.WaitForAssertion(() => page.FindAll("[data-testid=enrolled-row]").Should().HaveCount(3), Wait);

        page.Find($"[data-testid=enrolled-row][data-lead-id='{leads[1]}'] [data-testid=enrolled-pause]").Click();

        page.WaitForAssertion(() => page.Find($"[data-testid=enrolled-row][data-lead-id='{leads[1]}']").GetAttribute("data-status").Should().Be("paused"), Wait);
        page.WaitForAssertion(() => page.Find("[data-testid=progress-status][data-status=paused]").GetAttribute("data-count").Should().Be("1"), Wait);
    }

    [Fact]
    public async Task A_sequence_with_a_published_second_version_compares_the_versions_in_a_table_and_a_chart()
    {
        var (sequence, leads) = await SequenceWithActivityAsync();
        await Context.AsTenantAsync(Context.TenantA, async services =>
        {
            await services.GetRequiredService<SequenceLifecycle>().StartAsync(sequence.Id);
            var current = await services.GetRequiredService<SequenceService>().GetAsync(sequence.Id);
            await services.GetRequiredService<SequenceService>().UpdateAsync(sequence.Id, new SequenceInput
            {
                Name = current.Name, Settings = current.Settings,
                Steps = current.Steps.Select(s => StepMapper.ToInput(s) with { SubjectLine = s.SubjectLine + " (v2)" }).ToList(),
            });
            await services.GetRequiredService<SequenceVersionService>().PublishAsync(sequence.Id, new PublishRequest(null, DryRun: false));
        });
        Sequence v2 = null!;
        await Context.AsTenantAsync(Context.TenantA, async services => v2 = await services.GetRequiredService<SequenceService>().GetAsync(sequence.Id));
        var newcomer = await Seed.LeadAsync(Context.TenantA, "newcomer@example.com");
        await Seed.EnrollAsync(Context.TenantA, newcomer.Id, sequence.Id);
        await Seed.MessageAsync(Context.TenantA, newcomer.Id, v2, v2.Steps[0], OutboundStatus.Sent, events: [EngagementType.Opened, EngagementType.Replied]);

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=version-row]").Should().HaveCount(2), Wait);
        page.Find("[data-testid=version-row][data-version='2']").GetAttribute("data-state").Should().Be("live");
        var chart = page.FindComponent<VersionsTable>().FindComponent<MudChart<double>>().Instance;
        chart.ChartLabels.Should().Equal("v1", "v2");
        // v1: 4 sent, 2 opened, 1 replied; v2: 1 sent, opened and replied.
        Values(chart, "Open rate %").Should().Equal(50, 100);
        Values(chart, "Reply rate %").Should().Equal(25, 100);
    }

    [Fact]
    public async Task Another_tenants_sequence_shows_not_found()
    {
        var theirs = await Seed.SequenceAsync(Context.TenantB, "Secret");

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, theirs.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=not-found]"), Wait);
        page.Markup.Should().NotContain("Secret");
    }

    /// <summary>Three leads; lead 0 got both emails and opened and clicked and replied to the first, lead 1 opened the first, lead 2 got one email.</summary>
    [Fact]
    public async Task The_owner_picker_offers_active_teammates_says_where_mail_comes_from_and_hands_the_sequence_over()
    {
        var popovers = Context.Bunit.Render<MudPopoverProvider>();
        var users = Context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        async Task<Guid> UserAsync(Guid tenant, string email, string name, bool active = true)
        {
            var user = new AppUser { UserName = email, Email = email, TenantId = tenant, DisplayName = name, DeactivatedAt = active ? null : DateTime.UtcNow };
            (await users.CreateAsync(user)).Succeeded.Should().BeTrue();
            return user.Id;
        }
        var me = await UserAsync(Context.TenantA, "morgan@acme.test", "Morgan");
        var alex = await UserAsync(Context.TenantA, "alex@acme.test", "Alex");
        await UserAsync(Context.TenantA, "dee@acme.test", "Dee", active: false);
        await UserAsync(Context.TenantB, "them@other.test", "Not ours");
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Mailboxes.Add(new Mailbox { UserId = me, FromAddress = "morgan@acme.test" });
            await db.Sequences.Where(s => s.Id == sequence.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UserId, me));
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<SequenceDetail>(p => p.Add(x => x.Id, sequence.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=sequence-sender-text]").TextContent.Should().Be("Sends from morgan@acme.test, Morgan's mailbox."), Wait);
        page.Find("[data-testid=sequence-sender] .mud-select-input").MouseDown();
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim())
            .Should().Equal("Alex (alex@acme.test)", "Morgan (morgan@acme.test)"), Wait);
        popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains("Alex")).Click();

        page.WaitForAssertion(() => page.Find("[data-testid=sequence-sender]").GetAttribute("data-owner-id").Should().Be(alex.ToString()), Wait);
        page.Find("[data-testid=sequence-sender-text]").TextContent.Should().Contain("Alex has no mailbox connected").And.Contain("sequences@localhost");
        (await Seed.QueryAsync(Context.TenantA, db => db.Sequences.Where(s => s.Id == sequence.Id).Select(s => s.UserId).SingleAsync())).Should().Be(alex);
    }

    private async Task<(Sequence Sequence, List<Guid> Leads)> SequenceWithActivityAsync()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var hello = sequence.Steps.Single(s => s.StepOrder == 1);
        var nudge = sequence.Steps.Single(s => s.StepOrder == 2);
        var leads = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var lead = await Seed.LeadAsync(Context.TenantA, $"lead{i}@example.com");
            await Seed.EnrollAsync(Context.TenantA, lead.Id, sequence.Id);
            leads.Add(lead.Id);
        }
        await Seed.MessageAsync(Context.TenantA, leads[0], sequence, hello, OutboundStatus.Sent,
            events: [EngagementType.Opened, EngagementType.Clicked, EngagementType.Replied]);
        await Seed.MessageAsync(Context.TenantA, leads[0], sequence, nudge, OutboundStatus.Sent);
        await Seed.MessageAsync(Context.TenantA, leads[1], sequence, hello, OutboundStatus.Sent, events: [EngagementType.Opened]);
        await Seed.MessageAsync(Context.TenantA, leads[2], sequence, hello, OutboundStatus.Sent);
        return (sequence, leads);
    }

    private static IEnumerable<double> Values(MudChart<double> chart, string series) => chart.ChartSeries.Single(s => s.Name == series).Data.Values;
}
