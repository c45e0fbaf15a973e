using Microsoft.Playwright;

namespace Sequences.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class LoginBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    // Generous: the whole suite runs at once on 2 cores, and this test once saw the leads page still empty at 15 s.
    private const float Timeout = 30_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };

    [Fact]
    public async Task The_printed_demo_login_signs_in_and_shows_the_demo_sequence()
    {
        var (email, password) = app.DemoLogin;
        await using var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{app.BaseUrl}/sequences");
        page.Url.Should().Contain("/login", "pages need a login");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("login"), FullPage = true });

        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();

        var row = page.GetByTestId("sequence-row");
        await Assertions.Expect(row).ToBeVisibleAsync(Visible);
        await Assertions.Expect(row).ToContainTextAsync("Demo: cold outreach");
        new Uri(page.Url).AbsolutePath.Should().Be("/sequences");
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync(email);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("sequences"), FullPage = true });

        await page.GetByTestId("nav-leads").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lead-row")).ToHaveCountAsync(5, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("leads"), FullPage = true });
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        var (email, _) = app.DemoLogin;
        await using var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{app.BaseUrl}/login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync("Not-the-password-1");
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-error")).ToBeVisibleAsync(Visible);
        new Uri(page.Url).AbsolutePath.Should().Be("/login");
    }
}
