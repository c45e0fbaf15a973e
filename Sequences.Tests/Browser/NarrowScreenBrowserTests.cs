using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Leads;

namespace Sequences.Tests.Browser;

/// <summary>Lists on a phone and on a desktop: addresses and time zones stay on one line; a table too wide for the
/// screen scrolls sideways in its own box rather than squeezing its columns to a letter a line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NarrowScreenBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1400, 900)]
    public async Task Lead_addresses_and_time_zones_stay_whole(int width, int height)
    {
        var email = $"lead3x{Guid.NewGuid():N}"[..14] + "@acme.com";
        await app.AsTenantAsync(BootstrapService.DemoEmail, services =>
            services.GetRequiredService<LeadService>().CreateAsync(new LeadInput { Email = email, FirstName = "Ada", Timezone = "Australia/Sydney" }));
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/leads?q={Uri.EscapeDataString(email)}");
        var link = page.Locator("[data-testid=lead-row] [data-testid=lead-link]");
        await Assertions.Expect(link).ToHaveTextAsync(email, new() { Timeout = Timeout });

        await Assertions.Expect(page.Locator("[data-testid=leads-grid][aria-busy=false]")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath($"leads-{width}"), FullPage = true });
        // A late re-render of the grid can swap the row under the locator; measure the link once it is laid out.
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = Timeout });
        (await link.EvaluateAsync<int>("a => a.getClientRects().length")).Should().Be(1, "the address is on one line");
        var zone = page.Locator("[data-testid=lead-row] td", new() { HasText = "Australia/Sydney" });
        (await zone.EvaluateAsync<double>("td => td.getBoundingClientRect().height")).Should().BeLessThan(60, "the time zone is not broken into pieces");
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        pageWidth.Should().BeLessThanOrEqualTo(width, "a wide table scrolls in its own box, not the whole page");

        // The lead's page: its title (name and address) wraps rather than widening the page.
        await link.ClickAsync();
        await Assertions.Expect(page.Locator("h1", new() { HasText = email })).ToBeVisibleAsync(new() { Timeout = Timeout });
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(width, "the lead's page fits the screen");
    }

    [Fact]
    public async Task On_a_laptop_the_builder_closes_the_navigation_for_its_canvas_and_leaving_brings_it_back()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        var drawer = page.Locator(".mud-drawer").First;
        await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"), new() { Timeout = Timeout });

        await page.GotoAsync($"{app.BaseUrl}/sequences/new");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--closed"), new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("builder-canvas")).ToBeVisibleAsync(new() { Timeout = Timeout });
        (await page.GetByTestId("builder-canvas").BoundingBoxAsync())!.Width.Should().BeGreaterThan(500, "the canvas gets the navigation's width");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("builder-1280") });

        // The wheel over the canvas zooms the diagram and leaves the page where it is.
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight - innerHeight")).Should().BeGreaterThan(0, "the page itself can scroll");
        var layer = page.Locator("[data-testid=builder-canvas] .diagram-html-layer");
        await Assertions.Expect(layer).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex(@"scale\(1\)"), new() { Timeout = Timeout });
        var box = (await page.GetByTestId("builder-canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + 100);
        await page.Mouse.WheelAsync(0, 300);
        await Assertions.Expect(layer).Not.ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex(@"scale\(1\)"), new() { Timeout = Timeout });
        (await page.EvaluateAsync<double>("() => scrollY")).Should().Be(0, "the page did not scroll under the canvas");

        // The menu button still opens it, and the next page has it open as before the builder.
        await page.GetByLabel("Toggle navigation").ClickAsync();
        await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"), new() { Timeout = Timeout });
        await page.GetByTestId("nav-leads").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/leads$"), new() { Timeout = Timeout });
        await Assertions.Expect(drawer).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-drawer--open"), new() { Timeout = Timeout });
    }

    [Fact]
    public async Task On_a_phone_the_builder_fits_the_screen_with_its_canvas_and_save_button_in_reach()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/sequences/new");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = Timeout });

        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390);
        var save = (await page.GetByTestId("builder-save").BoundingBoxAsync())!;
        (save.X + save.Width).Should().BeLessThanOrEqualTo(390, "Save is on the screen");
        (await page.GetByTestId("builder-canvas").BoundingBoxAsync())!.Width.Should().BeGreaterThan(300, "the canvas keeps a usable width");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("builder-phone"), FullPage = true });
    }

    [Fact]
    public async Task On_a_phone_a_sequence_and_a_campaign_page_need_no_sideways_scrolling()
    {
        (Guid sequenceId, Guid campaignId) = await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
        {
            var sequence = (await services.GetRequiredService<SequenceService>().ListAsync(new PageRequest(1, 1))).Items[0];
            var campaign = (await services.GetRequiredService<CampaignService>().ListAsync(new PageRequest(1, 1))).Items[0];
            return (sequence.Id, campaign.Campaign.Id);
        });
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);

        foreach (var path in new[] { $"/sequences/{sequenceId}", $"/campaigns/{campaignId}" })
        {
            await page.GotoAsync($"{app.BaseUrl}{path}");
            await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = Timeout });
            var wide = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => { if (e.getBoundingClientRect().right <= 392) return false; for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'hidden' || o === 'scroll') return false; } return true; }).slice(0, 6).map(e => e.tagName + '.' + (typeof e.className === 'string' ? e.className.slice(0, 50) : '') + '[' + (e.dataset.testid || '') + '] ' + Math.round(e.getBoundingClientRect().right)).join(' | ')");
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390, $"{path}: {wide}");
        }
    }
}
