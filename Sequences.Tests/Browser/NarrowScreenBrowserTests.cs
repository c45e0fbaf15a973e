using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Leads;
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

        (await link.EvaluateAsync<int>("a => a.getClientRects().length")).Should().Be(1, "the address is on one line");
        var zone = page.Locator("[data-testid=lead-row] td", new() { HasText = "Australia/Sydney" });
        (await zone.EvaluateAsync<double>("td => td.getBoundingClientRect().height")).Should().BeLessThan(60, "the time zone is not broken into pieces");
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        pageWidth.Should().BeLessThanOrEqualTo(width, "a wide table scrolls in its own box, not the whole page");
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
}
