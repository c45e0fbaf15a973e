using Microsoft.Playwright;

namespace Sequences.Tests.Browser;

/// <summary>The app under its Content-Security-Policy in real Chromium: pages render, the circuit's websocket connects,
/// MudBlazor's inline styles apply, previews render in their sandboxed iframes, and nothing is blocked.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };

    /// <summary>Chromium reports every CSP violation on the console and as a securitypolicyviolation event.</summary>
    private static List<string> WatchViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        page.PageError += (_, error) => violations.Add($"page error: {error}");
        return violations;
    }

    [Fact]
    public async Task Every_dashboard_page_works_under_the_policy_without_a_single_violation()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        var violations = WatchViolations(page);

        await app.SignInAsync(page);

        foreach (var (nav, path) in new[] { ("nav-campaigns", "/campaigns"), ("nav-leads", "/leads"), ("nav-queue", "/queue"),
                     ("nav-outbox", "/outbox"), ("nav-settings", "/settings"), ("nav-templates", "/templates"), ("nav-sequences", "/sequences") })
        {
            // Client-side navigation only works over the live circuit (the websocket the policy must allow).
            await page.GetByTestId(nav).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(path) + "$"), new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        }

        // MudBlazor's inline styles apply: the app bar is laid out, not unstyled.
        var position = await page.Locator(".mud-appbar").First.EvaluateAsync<string>("e => getComputedStyle(e).position");
        position.Should().Be("fixed");

        // A template preview renders inside its sandboxed srcdoc iframe.
        await page.GetByTestId("nav-templates").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/templates$"), new() { Timeout = Timeout });
        await page.GetByTestId("template-row").First.ClickAsync();
        var preview = page.FrameLocator("[data-testid=template-preview-html]").Locator("body");
        await Assertions.Expect(preview).Not.ToBeEmptyAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("csp-templates"), FullPage = true });

        violations.Should().BeEmpty();
    }

    [Fact]
    public async Task The_api_reference_renders_under_its_own_policy()
    {
        await using var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = WatchViolations(page);

        await page.GotoAsync($"{app.BaseUrl}/api/docs");
        await Assertions.Expect(page.GetByText("Sequences API").First).ToBeVisibleAsync(Visible);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("csp-api-docs"), FullPage = true });

        violations.Where(v => !v.Contains("fonts.", StringComparison.Ordinal)).Should().BeEmpty();
    }
}
