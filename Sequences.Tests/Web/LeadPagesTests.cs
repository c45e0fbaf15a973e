using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Engine;
using Sequences.Web.Components.Pages.Leads;

namespace Sequences.Tests.Web;

public sealed class LeadPagesTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Csv_import_maps_columns_shows_progress_and_reports_rejected_rows()
    {
        await Seed.LeadAsync(Context.TenantA, "old@example.com");
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().ContainSingle(), Wait);

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            "Email,Name,Zone,Plan\nada@example.com,Ada,Europe/London,pro\nnope,Bad,,\nbob@example.com,Bob,Nowhere/City,\nold@example.com,Old,,\n", "leads.csv"));

        page.WaitForAssertion(() => page.FindAll("[data-testid=import-mapping-row]").Should().HaveCount(4), Wait);
        // Unknown headers become custom fields by default.
        Fields(page).Should().Equal("email", "name", "custom.zone", "custom.plan");
        page.FindAll("[data-testid=import-preview-row]").Should().HaveCount(4);
        page.Find("[data-testid=import-start]").TextContent.Should().Contain("Import 4 row(s)");

        // "Zone" is really the time zone: map it by hand.
        page.FindAll("select[data-testid=import-field]")[2].Change("timezone");
        Fields(page).Should().Equal("email", "name", "timezone", "custom.plan");
        page.Find("[data-testid=import-start]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=import-report]").GetAttribute("data-imported").Should().Be("1"), Wait);
        var rejected = page.FindAll("[data-testid=import-rejected-row]");
        rejected.Select(r => r.GetAttribute("data-line")).Should().Equal("3", "4", "5");
        rejected.Select(r => r.GetAttribute("data-code")).Should().Equal("invalid_email", "invalid_timezone", "duplicate");
        rejected[1].TextContent.Should().Contain("'Nowhere/City' is not an IANA time zone");
        page.Find("[data-testid=import-duplicates]").TextContent.Should().Contain("1 duplicate");
        page.Find("[data-testid=import-invalid]").TextContent.Should().Contain("2 invalid");
        // The grid reloads with the new lead.
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(2), Wait);
        var ada = await Seed.QueryAsync(Context.TenantA, db => db.Leads.SingleAsync(l => l.Email == "ada@example.com"));
        ada.Timezone.Should().Be("Europe/London");
        ada.Custom.Should().Contain("plan", "pro");
    }

    [Fact]
    public async Task Csv_import_can_update_leads_that_already_exist()
    {
        await Seed.LeadAsync(Context.TenantA, "old@example.com");
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().ContainSingle(), Wait);

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Email,Company\nold@example.com,Renamed Co\nnew@example.com,New Co\n", "leads.csv"));
        page.WaitForAssertion(() => page.FindAll("[data-testid=import-mapping-row]").Should().HaveCount(2), Wait);
        page.FindInput("import-update-existing").Change(true);
        page.Find("[data-testid=import-start]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=import-report]").GetAttribute("data-updated").Should().Be("1"), Wait);
        page.Find("[data-testid=import-updated]").TextContent.Should().Contain("1 updated");
        page.Find("[data-testid=import-report]").GetAttribute("data-imported").Should().Be("1");
        page.FindAll("[data-testid=import-rejected-row]").Should().BeEmpty();
        (await Seed.QueryAsync(Context.TenantA, db => db.Leads.SingleAsync(l => l.Email == "old@example.com"))).Company.Should().Be("Renamed Co");
    }

    [Fact]
    public void A_file_that_does_not_parse_shows_an_error_and_no_mapping()
    {
        var page = Context.Bunit.Render<LeadList>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("email,name\na@example.com,\"open\nb@example.com,B\n", "broken.csv"));

        page.WaitForAssertion(() => page.Find("[data-testid=import-error]").TextContent.Should().Contain("Line 2").And.Contain("Nothing was imported"), Wait);
        page.FindAll("[data-testid=import-mapping]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_mapping_without_email_cannot_start()
    {
        var page = Context.Bunit.Render<LeadList>();
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Address,Name\na@example.com,A\n", "x.csv"));
        page.WaitForAssertion(() => page.Find("[data-testid=import-mapping-issues]").TextContent.Should().Contain("must map to email"), Wait);

        page.Find("[data-testid=import-start]").HasAttribute("disabled").Should().BeTrue();
        page.FindAll("select[data-testid=import-field]")[0].Change("email");

        page.FindAll("[data-testid=import-mapping-issues]").Should().BeEmpty();
        page.Find("[data-testid=import-start]").HasAttribute("disabled").Should().BeFalse();
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Export_downloads_the_leads_matching_the_filters_as_csv()
    {
        await Seed.LeadAsync(Context.TenantA, "vip@example.com", tags: ["VIP"]);
        await Seed.LeadAsync(Context.TenantA, "plain@example.com");
        Context.Bunit.JSInterop.SetupVoid("sequencesDownloadStream", _ => true);
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(2), Wait);
        var filters = page.FindComponent<LeadFilters>();
        await page.InvokeAsync(() => filters.Instance.FilterChanged.InvokeAsync(new() { Tag = "vip" }));
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().ContainSingle(), Wait);

        page.Find("[data-testid=leads-export]").Click();

        page.WaitForAssertion(() => Context.Bunit.JSInterop.VerifyInvoke("sequencesDownloadStream"), Wait);
        var arguments = Context.Bunit.JSInterop.VerifyInvoke("sequencesDownloadStream").Arguments;
        arguments.Take(2).Should().Equal("leads-2030-01-07.csv", "text/csv");
        // The page is done with the stream once the browser has it; its bytes stay readable.
        var csv = System.Text.Encoding.UTF8.GetString(((MemoryStream)((Microsoft.JSInterop.DotNetStreamReference)arguments[2]!).Stream).ToArray()).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("email,first_name,");
        lines.Skip(1).Should().ContainSingle().Which.Should().StartWith("vip@example.com,vip,");
    }

    [Fact]
    public async Task Grid_marks_leads_that_are_never_mailed_again()
    {
        var gone = await Seed.LeadAsync(Context.TenantA, "gone@example.com");
        var bounced = await Seed.LeadAsync(Context.TenantA, "bounced@example.com");
        var listed = await Seed.LeadAsync(Context.TenantA, "listed@example.com");
        await Seed.LeadAsync(Context.TenantA, "fine@example.com");
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            await db.Leads.Where(l => l.Id == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.UnsubscribedAt, new DateTime(2030, 1, 6, 12, 0, 0, DateTimeKind.Utc)));
            await db.Leads.Where(l => l.Id == bounced.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.BouncedAt, new DateTime(2030, 1, 6, 13, 0, 0, DateTimeKind.Utc)));
            // Blocked by hand in Settings: the lead's own fields say nothing.
            db.Suppressions.Add(new Sequences.Core.Tracking.Suppression { Email = "listed@example.com", Reason = "manual", CreatedAt = new DateTime(2030, 1, 6, 14, 0, 0, DateTimeKind.Utc) });
            await db.SaveChangesAsync();
        });
        await Seed.WithDbAsync(Context.TenantB, async db =>
        {
            // Another workspace's list does not block this one's lead.
            db.Suppressions.Add(new Sequences.Core.Tracking.Suppression { Email = "fine@example.com", Reason = "manual", CreatedAt = new DateTime(2030, 1, 6, 14, 0, 0, DateTimeKind.Utc) });
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(4), Wait);
        string? Blocked(string email) => page.FindAll("[data-testid=lead-row]").Single(r => r.TextContent.Contains(email))
            .QuerySelector("[data-testid=lead-blocked]")?.TextContent.Trim();
        (Blocked("gone@example.com"), Blocked("bounced@example.com"), Blocked("listed@example.com"), Blocked("fine@example.com"))
            .Should().Be(("unsubscribed", "bounced", "blocked", null));

        var detail = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, listed.Id));
        detail.WaitForElement("[data-testid=lead-address-blocked]", Wait).TextContent.Should().Contain("never mailed");
    }

    [Fact]
    public async Task Grid_pages_through_leads_on_the_server()
    {
        for (var i = 1; i <= 55; i++) await Seed.LeadAsync(Context.TenantA, $"lead{i:00}@example.com");

        var page = Context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(50), Wait);
        page.Find("[data-testid=leads-grid]").GetAttribute("data-total").Should().Be("55");
        page.FindAll("[data-testid=leads-grid-pager] button").Single(b => b.TextContent.Trim() == "2").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(5), Wait);
        page.Find("[data-testid=leads-grid-range]").TextContent.Should().Be("51–55 of 55");
    }

    [Fact]
    public async Task Filters_by_tag_and_by_sequence_state()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var vip = await Seed.LeadAsync(Context.TenantA, "vip@example.com", tags: ["VIP"]);
        var plain = await Seed.LeadAsync(Context.TenantA, "plain@example.com");
        await Seed.EnrollAsync(Context.TenantA, plain.Id, sequence.Id);
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(2), Wait);
        var filters = page.FindComponent<LeadFilters>();

        await page.InvokeAsync(() => filters.Instance.FilterChanged.InvokeAsync(new() { Tag = "vip" }));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(vip.Id.ToString()), Wait);

        await page.InvokeAsync(() => filters.Instance.FilterChanged.InvokeAsync(new() { EnrollmentStatus = EnrollmentStatus.Active }));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(plain.Id.ToString()), Wait);
    }

    [Fact]
    public async Task The_grid_marks_leads_who_replied()
    {
        var replied = await Seed.LeadAsync(Context.TenantA, "answered@example.com");
        var silent = await Seed.LeadAsync(Context.TenantA, "silent@example.com");
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.EngagementEvents.Add(new global::Sequences.Core.Tracking.EngagementEvent
            {
                LeadId = replied.Id, Type = global::Sequences.Core.Tracking.EngagementType.Replied, OccurredAt = Context.Clock.GetUtcNow().UtcDateTime,
            });
            db.EngagementEvents.Add(new global::Sequences.Core.Tracking.EngagementEvent
            {
                LeadId = silent.Id, Type = global::Sequences.Core.Tracking.EngagementType.Opened, OccurredAt = Context.Clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<LeadList>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(2), Wait);
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]:has([data-testid=lead-replied])").Select(r => r.GetAttribute("data-lead-id"))
            .Should().Equal(replied.Id.ToString()), Wait);
    }

    [Fact]
    public async Task Bulk_delete_erases_the_selected_leads_only_after_asking()
    {
        var leads = await ThreeEnrolledLeadsAsync("gone");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(3), Wait);
        Select(page, leads[0].Id);
        Select(page, leads[2].Id);

        page.Find("[data-testid=bulk-delete]").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Delete 2 leads and everything stored about them"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => RowIds(page).Should().Equal(leads[1].Id.ToString()), Wait);
        page.FindAll("[data-testid=bulk-bar]").Should().BeEmpty("the deleted leads are no longer selected");
        (await Seed.QueryAsync(Context.TenantA, db => db.Leads.Select(l => l.Email).ToListAsync())).Should().Equal("gone2@example.com");
        (await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.Select(s => s.LeadId).ToListAsync())).Should().Equal(leads[1].Id);
        (await Seed.QueryAsync(Context.TenantA, db => db.Suppressions.CountAsync())).Should().Be(0, "plain Delete blocks no address");
    }

    [Fact]
    public async Task Bulk_pause_and_resume_act_on_the_selected_leads_only()
    {
        var leads = await ThreeEnrolledLeadsAsync("bulk");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(3), Wait);

        Select(page, leads[0].Id);
        Select(page, leads[2].Id);
        page.Find("[data-testid=bulk-count]").TextContent.Should().Be("2 selected");
        page.Find("[data-testid=bulk-pause]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=bulk-result]").TextContent.Should().StartWith("2 enrollment(s) paused"), Wait);
        (await StatusesAsync()).Should().Equal(
            (leads[0].Id, EnrollmentStatus.Paused), (leads[1].Id, EnrollmentStatus.Active), (leads[2].Id, EnrollmentStatus.Paused));

        page.Find("[data-testid=bulk-resume]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=bulk-result]").TextContent.Should().StartWith("2 enrollment(s) resumed"), Wait);
        (await StatusesAsync()).Should().OnlyContain(s => s.Status == EnrollmentStatus.Active);

        page.Find("[data-testid=bulk-skip]").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Skip the current step of every sequence they are in for 2 selected lead(s)?"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        page.Find("[data-testid=bulk-result]").TextContent.Should().StartWith("2 enrollment(s) resumed", "a cancelled skip changes nothing");
        page.Find("[data-testid=bulk-skip]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Should().Contain(b => b.TextContent.Trim() == "Skip step"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Skip step").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=bulk-result]").TextContent.Should().StartWith("2 enrollment(s) moved past their step"), Wait);
        var steps = await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.OrderBy(s => s.CreatedAt).Select(s => s.CurrentStepOrder).ToListAsync());
        steps.Should().Equal(2, 1, 2);

        async Task<List<(Guid LeadId, EnrollmentStatus Status)>> StatusesAsync() =>
            (await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.OrderBy(s => s.CreatedAt).Select(s => new { s.LeadId, s.Status }).ToListAsync()))
            .Select(s => (s.LeadId, s.Status)).ToList();
    }

    [Fact]
    public async Task Bulk_enroll_puts_the_selected_leads_in_a_sequence_after_asking_and_counts_those_left_out()
    {
        var leads = await ThreeEnrolledLeadsAsync("enroll");
        var target = await Seed.SequenceAsync(Context.TenantA, "Follow-up");
        var archived = await Seed.SequenceAsync(Context.TenantA, "Old one");
        var unsubscribed = await Seed.LeadAsync(Context.TenantA, "gone@example.com");
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            (await db.Leads.SingleAsync(l => l.Id == unsubscribed.Id)).UnsubscribedAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            (await db.Sequences.SingleAsync(s => s.Id == archived.Id)).Status = global::Sequences.Core.Sequences.SequenceStatus.Archived;
            await db.SaveChangesAsync();
        });
        await Seed.EnrollAsync(Context.TenantA, leads[1].Id, target.Id);
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Should().HaveCount(4), Wait);
        foreach (var lead in leads.Append(unsubscribed)) Select(page, lead.Id);

        var offered = page.FindComponent<LeadBulkBar>().Instance.Options.OpenSequences;
        offered.Select(s => s.Label).Should().Contain("Follow-up (draft)").And.NotContain(l => l.StartsWith("Old one"), "an archived sequence takes no new leads");
        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Enroll in");
        page.Find("[data-testid=bulk-enroll]").HasAttribute("disabled").Should().BeTrue("no sequence is chosen yet");
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(target.Id.ToString()));

        page.Find("[data-testid=bulk-enroll]").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Enroll 4 selected leads in \"Follow-up\"?")
            .And.Contain("a draft: they wait for its start"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        (await EnrolledInTargetAsync()).Should().Equal([leads[1].Id], "a cancelled enroll changes nothing");

        page.Find("[data-testid=bulk-enroll]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Should().Contain(b => b.TextContent.Trim() == "Enroll"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Enroll").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=bulk-result]").TextContent.Should()
            .Be("2 lead(s) enrolled in \"Follow-up\"; 1 already in it; 1 unsubscribed, bounced or blocked, left out."
                + " The sequence is a draft: they wait for its start."), Wait);
        (await EnrolledInTargetAsync()).Should().BeEquivalentTo([leads[0].Id, leads[1].Id, leads[2].Id]);

        Task<List<Guid>> EnrolledInTargetAsync() =>
            Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.Where(s => s.SequenceId == target.Id).Select(s => s.LeadId).ToListAsync());
    }

    [Fact]
    public async Task Bulk_enroll_of_many_leads_reports_its_progress_chunk_by_chunk()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var ids = new List<Guid>();
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            for (var i = 0; i < 1_100; i++)
            {
                var lead = new Lead { Email = $"many{i}@example.com" };
                db.Leads.Add(lead);
                ids.Add(lead.Id);
            }
            await db.SaveChangesAsync();
        });

        var reported = new List<int>();
        EnrollResult? result = null;
        await Context.AsTenantAsync(Context.TenantA, async services =>
            result = await services.GetRequiredService<EnrollmentService>().EnrollLeadsAsync(sequence.Id, ids, done =>
            {
                reported.Add(done);
                return Task.CompletedTask;
            }));

        reported.Should().Equal(500, 1_000, 1_100);
        result!.Enrolled.Should().Be(1_100);
        (await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.CountAsync(s => s.SequenceId == sequence.Id))).Should().Be(1_100);
    }

    [Fact]
    public async Task Lead_page_shows_fields_enrollments_and_next_action_in_local_time_and_utc()
    {
        var (sequence, lead) = await EnrolledLeadAsync("tokyo@example.com", "Asia/Tokyo", ["apac"]);

        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));

        page.WaitForAssertion(() => page.Find("[data-testid=lead-state]").GetAttribute("data-status").Should().Be("active"), Wait);
        page.Find("[data-testid=lead-email]").TextContent.Should().Be("tokyo@example.com");
        page.Find("[data-testid=lead-tags]").TextContent.Should().Contain("apac");
        page.Find("[data-testid=lead-state-step]").TextContent.Should().Be("1. Hello");
        // Enrolled at 2030-01-07 09:00 UTC (plus a few seconds), due at once: 18:00 in Tokyo.
        page.Find("[data-testid=lead-state-next]").TextContent.Should().StartWith("Mon 2030-01-07 18:00").And.Contain("Asia/Tokyo");
        page.Find("[data-testid=lead-state-next-utc]").TextContent.Should().Contain("2030-01-07 09:00 UTC");
        page.FindAll("[data-testid=lead-log-row]").Select(r => r.GetAttribute("data-action")).Should().Contain("enrolled");
        // The log's times on hover are the lead's own, not UTC under a local label.
        page.FindAll("[data-testid=lead-log-row] td[title]").Select(c => c.GetAttribute("title")).Should().Contain(t => t!.Contains("18:00"));
    }

    [Fact]
    public async Task Lead_page_lists_the_campaigns_the_lead_is_in()
    {
        var lead = await Seed.LeadAsync(Context.TenantA, "member@example.com");
        var loner = await Seed.LeadAsync(Context.TenantA, "loner@example.com");
        var campaignIds = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Campaigns.Add(new Sequences.Core.Campaigns.Campaign { Id = campaignIds[0], Name = "Winter" });
            db.Campaigns.Add(new Sequences.Core.Campaigns.Campaign { Id = campaignIds[1], Name = "Autumn" });
            db.CampaignLeads.AddRange(campaignIds.Select(id => new Sequences.Core.Campaigns.CampaignLead { CampaignId = id, LeadId = lead.Id }));
            await db.SaveChangesAsync();
        });

        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-campaign]").Select(c => c.TextContent.Trim()).Should().Equal("Autumn", "Winter"), Wait);
        page.FindAll("[data-testid=lead-campaign]")[1].OuterHtml.Should().Contain($"/campaigns/{campaignIds[0]}");
        var other = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, loner.Id));
        other.WaitForAssertion(() => other.Find("[data-testid=lead-campaigns]").TextContent.Should().Contain("In no campaign"), Wait);
    }

    [Fact]
    public async Task Lead_page_buttons_pause_resume_and_skip_the_enrollment()
    {
        var (sequence, lead) = await EnrolledLeadAsync("ctl@example.com");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=lead-state]").GetAttribute("data-status").Should().Be("active"), Wait);
        page.Find("[data-testid=lead-resume]").HasAttribute("disabled").Should().BeTrue();

        page.Find("[data-testid=lead-pause]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=lead-state]").GetAttribute("data-status").Should().Be("paused"), Wait);
        page.Find("[data-testid=lead-pause]").HasAttribute("disabled").Should().BeTrue();
        page.FindAll("[data-testid=lead-log-row]").Select(r => r.GetAttribute("data-action")).Should().Contain("paused");

        page.Find("[data-testid=lead-resume]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=lead-state]").GetAttribute("data-status").Should().Be("active"), Wait);

        page.Find("[data-testid=lead-skip]").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("for ctl@example.com? It will not run"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Skip step").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=lead-state-step]").TextContent.Should().Be("2. Nudge"), Wait);
        page.FindAll("[data-testid=lead-log-row]").Select(r => r.GetAttribute("data-action")).Should().Contain("step_skipped");
    }

    [Fact]
    public async Task An_open_lead_page_follows_what_the_engine_does_meanwhile()
    {
        var (sequence, lead) = await EnrolledLeadAsync("live@example.com");
        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=lead-state-step]").TextContent.Should().NotBe("2. Nudge"), Wait);

        // Elsewhere (another tab, the scheduler) the lead moves on.
        await Context.AsTenantAsync(Context.TenantA, services =>
            services.GetRequiredService<global::Sequences.Infrastructure.Engine.EnrollmentService>().SkipStepAsync(lead.Id, sequence.Id));
        page.Find("[data-testid=lead-state-step]").TextContent.Should().NotBe("2. Nudge", "nothing has told the page yet");

        Context.Clock.Advance(TimeSpan.FromSeconds(20));

        page.WaitForAssertion(() => page.Find("[data-testid=lead-state-step]").TextContent.Should().Be("2. Nudge"), Wait);
        page.FindAll("[data-testid=lead-log-row]").Select(r => r.GetAttribute("data-action")).Should().Contain("step_skipped");
    }

    [Fact]
    public void The_log_names_campaigns_and_gives_times_in_the_leads_zone_beside_utc()
    {
        var campaign = Guid.NewGuid();
        var entry = new global::Sequences.Core.Engine.SequenceExecutionLog
        {
            ActionType = "send_deferred", ExecutedAt = new DateTime(2030, 1, 7, 9, 0, 0, DateTimeKind.Utc),
            Metadata = new() { ["campaign_id"] = campaign.ToString(), ["retry_at"] = "2030-01-08T14:00:00.0000000Z", ["reason_code"] = "window" },
        };

        var table = Context.Bunit.Render<ExecutionLogTable>(p => p.Add(t => t.Entries, [entry]).Add(t => t.Timezone, "Australia/Sydney")
            .Add(t => t.CampaignNames, new Dictionary<Guid, string> { [campaign] = "Spring push" }));

        var details = table.Find("[data-testid=lead-log-row] .details").TextContent;
        details.Should().Contain("Spring push").And.NotContain(campaign.ToString());
        details.Should().Contain("Wed 2030-01-09 01:00 (Australia/Sydney), 2030-01-08 14:00 UTC").And.Contain("window");
    }

    [Fact]
    public async Task Lead_page_says_when_the_sequence_itself_holds_an_active_lead()
    {
        var (sequence, lead) = await EnrolledLeadAsync("held@example.com");

        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        page.WaitForElement("[data-testid=lead-state-held]", Wait).TextContent.Should().Contain("a draft");

        await Context.AsTenantAsync(Context.TenantA, services => services.GetRequiredService<SequenceLifecycle>().StartAsync(sequence.Id));
        var started = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        started.WaitForElement("[data-testid=lead-state-next]", Wait);
        started.FindAll("[data-testid=lead-state-held]").Should().BeEmpty();
    }

    [Fact]
    public async Task Lead_page_snoozes_an_enrollment_until_a_picked_day()
    {
        var (sequence, lead) = await EnrolledLeadAsync("snooze@example.com", "Europe/London");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));

        page.WaitForElement("[data-testid=lead-snooze]", Wait).Click();
        dialogs.WaitForElement("[data-testid=snooze-dialog]", Wait);
        dialogs.Find("[data-testid=snooze-apply]").HasAttribute("disabled").Should().BeTrue("no day is picked yet");
        var day = dialogs.FindAll(".mud-picker-calendar-day:not(.mud-hidden)").Where(b => !b.HasAttribute("disabled"))
            .Last(b => b.TextContent.Trim() == "28");
        day.Click();
        dialogs.Find("[data-testid=snooze-apply]").Click();

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-log-row]").Select(r => r.GetAttribute("data-action")).Should().Contain(Snooze.LogAction), Wait);
        var state = await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.SingleAsync(s => s.LeadId == lead.Id));
        // The page's clock says 7 January 2030; Monday the 28th opens at midnight in London (GMT), as the seeded
        // sequence sends around the clock.
        state.NextActionAt.Should().Be(new DateTime(2030, 1, 28, 0, 0, 0, DateTimeKind.Utc));
        state.Status.Should().Be(EnrollmentStatus.Active);
    }

    [Fact]
    public async Task Lead_page_edits_the_lead_and_keeps_refused_input_out_of_the_store()
    {
        var lead = await Seed.LeadAsync(Context.TenantA, "edit@example.com", "America/New_York", ["trial"]);
        await Seed.LeadAsync(Context.TenantA, "taken@example.com");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        page.WaitForElement("[data-testid=lead-edit]", Wait).Click();
        dialogs.WaitForElement("[data-testid=lead-edit-dialog]", Wait);
        Input(dialogs, "lead-edit-email").GetAttribute("value").Should().Be("edit@example.com");
        Input(dialogs, "lead-edit-tags").GetAttribute("value").Should().Be("trial");

        // A refused address stays marked after the field loses focus, so the disabled Save keeps its reason.
        Input(dialogs, "lead-edit-email").Input("nina@acme");
        Input(dialogs, "lead-edit-email").Blur();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("'nina@acme' is not a valid email address."), Wait);
        dialogs.Find("[data-testid=lead-edit-save]").HasAttribute("disabled").Should().BeTrue();
        Input(dialogs, "lead-edit-email").Input("edit@example.com");

        Input(dialogs, "lead-edit-company").Input("Acme Europe");
        Input(dialogs, "lead-edit-tags").Input("vip, emea");
        Input(dialogs, "lead-edit-country").Input("Germany");
        dialogs.Markup.Should().Contain("country must be a two-letter ISO 3166 code.");
        dialogs.Find("[data-testid=lead-edit-save]").HasAttribute("disabled").Should().BeTrue();
        Input(dialogs, "lead-edit-country").Input("de");
        dialogs.Find("[data-testid=lead-edit-custom-add]").Click();
        Input(dialogs, "lead-edit-custom-key").Input("plan");
        Input(dialogs, "lead-edit-custom-value").Input("pro");

        // Another lead's address: the dialog says so, keeps what was typed, and nothing is stored.
        Input(dialogs, "lead-edit-email").Input("Taken@example.com");
        dialogs.Find("[data-testid=lead-edit-save]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=lead-edit-error]").TextContent.Should().Contain("Another lead already has the email taken@example.com"), Wait);
        Input(dialogs, "lead-edit-company").GetAttribute("value").Should().Be("Acme Europe");
        (await StoredAsync(lead.Id)).Company.Should().BeNull();

        Input(dialogs, "lead-edit-email").Input("edit@example.com");
        dialogs.Find("[data-testid=lead-edit-save]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("[data-testid=lead-edit-dialog]").Should().BeEmpty(), Wait);

        page.WaitForAssertion(() => page.Find("[data-testid=lead-fields]").TextContent.Should().Contain("Acme Europe").And.Contain("DE").And.Contain("custom.plan"), Wait);
        page.FindAll("[data-testid=lead-tag]").Select(t => t.TextContent).Should().Equal("vip", "emea");
        var stored = await StoredAsync(lead.Id);
        (stored.Email, stored.Company, stored.Country, stored.Timezone, stored.Custom["plan"]).Should().Be(("edit@example.com", "Acme Europe", "DE", "America/New_York", "pro"));
        stored.Tags.Should().Equal("vip", "emea");
    }

    [Fact]
    public async Task Lead_page_deletes_the_lead_after_asking_and_can_block_its_address()
    {
        var (sequence, lead) = await EnrolledLeadAsync("erase@example.com");
        var dialogs = Context.Bunit.Render<MudDialogProvider>();
        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));

        page.WaitForElement("[data-testid=lead-delete]", Wait).Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Delete erase@example.com and everything stored about it"), Wait);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().NotContain("everything stored about it"), Wait);
        (await Seed.QueryAsync(Context.TenantA, db => db.Leads.AnyAsync(l => l.Id == lead.Id))).Should().BeTrue("cancel deletes nothing");

        page.Find("[data-testid=lead-delete]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete and block the address").Click(), Wait);

        page.WaitForAssertion(() => Context.Bunit.Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/leads"), Wait);
        (await Seed.QueryAsync(Context.TenantA, db => db.Leads.AnyAsync(l => l.Id == lead.Id))).Should().BeFalse();
        (await Seed.QueryAsync(Context.TenantA, db => db.LeadSequenceStates.AnyAsync(s => s.LeadId == lead.Id))).Should().BeFalse();
        (await Seed.QueryAsync(Context.TenantA, db => db.Suppressions.SingleAsync(x => x.Email == "erase@example.com"))).Reason.Should().Be("manual");
    }

    [Fact]
    public async Task Another_tenants_lead_or_an_unknown_id_shows_not_found()
    {
        var theirs = await Seed.LeadAsync(Context.TenantB, "theirs@example.com");

        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, theirs.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=not-found]"), Wait);
        page.Markup.Should().NotContain("theirs@example.com");

        var unknown = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, Guid.NewGuid()));
        unknown.WaitForAssertion(() => unknown.Find("[data-testid=not-found]"), Wait);
    }

    private async Task<List<Lead>> ThreeEnrolledLeadsAsync(string prefix)
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var leads = new List<Lead>();
        for (var i = 1; i <= 3; i++)
        {
            var lead = await Seed.LeadAsync(Context.TenantA, $"{prefix}{i}@example.com");
            await Seed.EnrollAsync(Context.TenantA, lead.Id, sequence.Id);
            leads.Add(lead);
        }
        return leads;
    }

    private Task<Lead> StoredAsync(Guid id) => Seed.QueryAsync(Context.TenantA, db => db.Leads.AsNoTracking().SingleAsync(l => l.Id == id));

    /// <summary>A lead of tenant A enrolled in a fresh sequence of it.</summary>
    private async Task<(global::Sequences.Core.Sequences.Sequence Sequence, Lead Lead)> EnrolledLeadAsync(string email, string? timezone = null, string[]? tags = null)
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var lead = await Seed.LeadAsync(Context.TenantA, email, timezone, tags);
        await Seed.EnrollAsync(Context.TenantA, lead.Id, sequence.Id);
        return (sequence, lead);
    }

    private static IElement Input(IRenderedComponent<MudDialogProvider> dialogs, string testId) => dialogs.FindInput(testId);

    private static List<string> Fields(IRenderedComponent<LeadList> page) =>
        page.FindAll("select[data-testid=import-field]").Select(s => s.GetAttribute("value") ?? "").ToList();

    private static IEnumerable<string?> RowIds(IRenderedComponent<LeadList> page) =>
        page.FindAll("[data-testid=lead-row]").Select(r => r.GetAttribute("data-lead-id")).ToList();

    /// <summary>Ticks the row's checkbox.</summary>
    private static void Select(IRenderedComponent<LeadList> page, Guid leadId) =>
        MudInputs.InputOf(page.Find($"[data-testid=lead-row][data-lead-id='{leadId}'] [data-testid=lead-select]")).Change(true);
}
