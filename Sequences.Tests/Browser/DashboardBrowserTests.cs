using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Browser;

/// <summary>The admin's day in real Chromium: import leads from a CSV, enroll them through a campaign, start the sequence,
/// run the queue, watch the outbox and the funnel fill, and pause and resume one lead. Screenshots of every page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToContainTextOptions Text = new() { Timeout = Timeout };

    [Fact]
    public async Task Import_enroll_send_and_control_a_lead_from_the_dashboards()
    {
        try
        {
            await ImportEnrollSendAndControlAsync();
        }
        catch
        {
            // A circuit error or a slow write shows only in the server log: print it with the failure.
            foreach (var e in app.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning)) Console.WriteLine($"server: {e.Category} {e.Message}");
            throw;
        }
    }

    private async Task ImportEnrollSendAndControlAsync()
    {
        var sequenceId = await MakeDemoSequenceAlwaysOpenAsync();
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);

        // 1. Import 50 rows, two of them bad.
        await GoAsync(page, "/leads");
        await Assertions.Expect(page.GetByTestId("lead-row").First).ToBeVisibleAsync(Visible);
        await page.GetByTestId("leads-import").SetInputFilesAsync(new FilePayload
        {
            Name = "webinar-leads.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Csv()),
        });
        await Assertions.Expect(page.GetByTestId("import-mapping")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("import-preview-row")).ToHaveCountAsync(5, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("leads-import-mapping"), FullPage = true });
        await page.GetByTestId("import-start").ClickAsync();

        var report = page.GetByTestId("import-report");
        await Assertions.Expect(report).ToBeVisibleAsync(Visible);
        await Assertions.Expect(report).ToHaveAttributeAsync("data-imported", "48", Attribute);
        var rejected = page.GetByTestId("import-rejected-row");
        await Assertions.Expect(rejected).ToHaveCountAsync(2);
        await Assertions.Expect(rejected.Nth(0)).ToHaveAttributeAsync("data-line", "18");
        await Assertions.Expect(rejected.Nth(0)).ToContainTextAsync("is not a valid email address");
        await Assertions.Expect(rejected.Nth(1)).ToHaveAttributeAsync("data-line", "34");
        await Assertions.Expect(rejected.Nth(1)).ToContainTextAsync("is not an IANA time zone");
        // The five demo leads plus the 48 imported ones.
        await Assertions.Expect(page.GetByTestId("leads-grid")).ToHaveAttributeAsync("data-total", "53", Attribute);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("leads-import-report"), FullPage = true });

        // 2. A campaign with the imported leads, assigned to the demo sequence, enrolling them.
        await NavAsync(page, "nav-campaigns", "/campaigns");
        await page.GetByTestId("campaign-new").ClickAsync();
        await page.GetByTestId("campaign-name-input").FillAsync("Webinar follow-up");
        await page.GetByTestId("campaign-create").ClickAsync();
        // Creating writes to the database the import has just written to: allow a slow commit (the server log is printed on failure).
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/campaigns/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=campaign-detail] [data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        var tag = page.GetByTestId("campaign-add-tag");
        await tag.FillAsync("webinar");
        await tag.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("campaign-add-count")).ToHaveAttributeAsync("data-value", "48", Attribute);
        await page.GetByTestId("campaign-add-leads").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-add-result")).ToContainTextAsync("48 lead(s) added", Text);
        await Assertions.Expect(page.GetByTestId("campaign-lead-count")).ToHaveAttributeAsync("data-value", "48", Attribute);

        await page.GetByTestId("campaign-assign-sequence").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Demo: cold outreach" }).ClickAsync();
        await page.GetByTestId("campaign-assign").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-assign-result")).ToContainTextAsync("48 enrolled", Text);
        await Assertions.Expect(page.GetByTestId("campaign-sequence-row")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("campaign-detail"), FullPage = true });
        await NavAsync(page, "nav-campaigns", "/campaigns");
        await Assertions.Expect(page.GetByTestId("campaign-row")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("campaigns"), FullPage = true });

        // 3. Start the sequence.
        await GoAsync(page, $"/sequences/{sequenceId}");
        await page.GetByTestId("sequence-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sequence-detail")).ToHaveAttributeAsync("data-status", "active", Attribute);
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Started: 53 enrolled leads are scheduled.", Text);

        // 4. Run the queue from /queue: the 48 campaign leads and the five demo leads, enrolled since the demo was made.
        await NavAsync(page, "nav-queue", "/queue");
        await Assertions.Expect(page.GetByTestId("queue-due")).ToHaveAttributeAsync("data-value", "53", Attribute);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("queue-before"), FullPage = true });
        await page.GetByTestId("queue-run-now").ClickAsync();
        var run = page.GetByTestId("queue-run-result");
        await Assertions.Expect(run).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(run).ToHaveAttributeAsync("data-sent", "53");
        await Assertions.Expect(page.GetByTestId("queue-due")).ToHaveAttributeAsync("data-value", "0", Attribute);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("queue"), FullPage = true });

        // 5. The outbox fills.
        await NavAsync(page, "nav-outbox", "/outbox");
        var rows = page.GetByTestId("outbox-row");
        await Assertions.Expect(page.GetByTestId("outbox-grid")).ToHaveAttributeAsync("data-total", "53", Attribute);
        await Assertions.Expect(rows).ToHaveCountAsync(50, new() { Timeout = Timeout }); // the first page
        await Assertions.Expect(page.Locator("[data-testid=outbox-row][data-status=sent]")).ToHaveCountAsync(50);
        await Assertions.Expect(rows.First.GetByTestId("outbox-subject")).ToContainTextAsync("Quick question, ");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("outbox"), FullPage = true });
        await page.GetByTestId("outbox-search").FillAsync("lead07@");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await rows.First.GetByTestId("outbox-view").ClickAsync();
        await Assertions.Expect(page.GetByTestId("outbox-detail-subject")).ToHaveTextAsync("Quick question, Lead07", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("outbox-detail-message-id")).ToContainTextAsync("@");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("outbox-message") });
        await page.GetByTestId("outbox-detail-close").ClickAsync();

        // 6. The funnel shows 53 sent.
        await GoAsync(page, $"/sequences/{sequenceId}");
        await Assertions.Expect(page.GetByTestId("funnel-chart")).ToHaveAttributeAsync("data-sent", "53", Attribute);
        await Assertions.Expect(page.GetByTestId("funnel-sent")).ToHaveAttributeAsync("data-value", "53");
        await Assertions.Expect(page.GetByTestId("funnel-chart").Locator("svg").First).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("enrolled-row")).ToHaveCountAsync(25, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("sequence-detail"), FullPage = true });
        // On a 1280 px laptop, beside the navigation, the seven totals still read as one row.
        await page.SetViewportSizeAsync(1280, 800);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=analytics-totals] > *').length === 7");
        var tops = await page.GetByTestId("analytics-totals").EvaluateAsync<double[]>("t => [...t.children].map(c => Math.round(c.getBoundingClientRect().top))");
        tops.Distinct().Should().ContainSingle("the totals tiles sit on one row at 1280 px");
        var cramped = await page.GetByTestId("analytics-totals").EvaluateAsync<string[]>(
            "t => [...t.querySelectorAll('.totals-label')].filter(l => l.scrollWidth > l.clientWidth || l.getClientRects().length !== 1 || l.offsetHeight > 24).map(l => l.textContent)");
        cramped.Should().BeEmpty("every label fits its tile on one line");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("sequence-detail-1280") });
        await page.SetViewportSizeAsync(1440, 1000);

        // 7. Pause and resume one lead from its page.
        await page.GetByTestId("enrolled-lead-link").First.ClickAsync();
        var state = page.GetByTestId("lead-state");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-status", "active", Attribute);
        await Assertions.Expect(state.GetByTestId("lead-state-counters")).ToContainTextAsync("1 sent");
        await state.GetByTestId("lead-pause").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-status", "paused", Attribute);
        await Assertions.Expect(page.Locator("[data-testid=lead-log-row][data-action=paused]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("lead-paused"), FullPage = true });
        await state.GetByTestId("lead-resume").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-status", "active", Attribute);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("lead-detail"), FullPage = true });

        app.Smtp.Messages.Should().HaveCount(53);
    }

    [Fact]
    public async Task An_unknown_lead_id_shows_not_found()
    {
        await using var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);

        await page.GotoAsync($"{app.BaseUrl}/leads/{Guid.NewGuid()}");

        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync(Visible);
    }

    /// <summary>Loads a page and waits for its circuit: the prerendered HTML shows first, but ignores clicks.</summary>
    private async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync($"{app.BaseUrl}{path}");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
    }

    private async Task NavAsync(IPage page, string navTestId, string path)
    {
        await page.GetByTestId(navTestId).ClickAsync();
        // In-page navigation: polled, as a change made before a WaitForURL listens would be missed.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(path) + "$"), new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
    }


    /// <summary>CI runs at night and at weekends: the demo sequence sends around the clock in this test.</summary>
    private Task<Guid> MakeDemoSequenceAlwaysOpenAsync() =>
        app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
        {
            var sequences = services.GetRequiredService<SequenceService>();
            var demo = (await sequences.ListAsync(new(1, 50))).Items.Single(s => s.Name == "Demo: cold outreach");
            var sequence = await sequences.GetAsync(demo.Id);
            await sequences.UpdateAsync(demo.Id, new SequenceInput
            {
                Name = sequence.Name,
                Description = sequence.Description,
                Settings = sequence.Settings with { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
            });
            return demo.Id;
        });

    /// <summary>50 leads tagged "webinar"; line 18 has a bad email and line 34 a time zone that does not exist.</summary>
    private static string Csv()
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Company,Job Title,Time Zone,Country,Tags\n");
        for (var i = 1; i <= 50; i++)
        {
            var email = i == 17 ? "not-an-email" : $"lead{i:00}@example.org";
            var zone = i == 33 ? "Mars/Olympus_Mons" : i % 2 == 0 ? "Europe/Berlin" : "America/New_York";
            csv.Append(CultureInfo.InvariantCulture, $"{email},Lead{i:00},Tester,Company {i},Head of Things,{zone},{(i % 2 == 0 ? "DE" : "US")},\"webinar;2030\"\n");
        }
        return csv.ToString();
    }
}
