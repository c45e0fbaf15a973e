using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Tests.Browser;

/// <summary>Templates, notifications and settings in Chromium. A class of its own: the mailbox it adds would pace the
/// other class's sends (its spacing), so it gets its own app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SettingsBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToContainTextOptions Text = new() { Timeout = Timeout };

    [Fact]
    public async Task Templates_settings_and_notifications()
    {
        await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
        {
            var tenant = services.GetRequiredService<Sequences.Core.Tenants.ITenantContext>();
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            db.Notifications.Add(new Notification
            {
                TenantId = tenant.TenantId!.Value, UserId = tenant.UserId, Message = "Ada Lovelace replied to Demo: cold outreach", CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            return 0;
        });
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);

        await GoAsync(page, "/templates");
        await Assertions.Expect(page.Locator("[data-testid=template-row][data-built-in=true]")).ToHaveCountAsync(5, new() { Timeout = Timeout });
        await page.GetByTestId("template-row").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-preview-subject")).ToHaveTextAsync("Quick question, Jane", new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("templates"), FullPage = true });

        await Assertions.Expect(page.GetByTestId("notifications-count")).ToHaveAttributeAsync("data-value", "1", Attribute);
        await page.GetByTestId("notifications-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notification-item")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("notifications") });
        await page.GetByTestId("notifications-mark-all").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notifications-count")).ToHaveAttributeAsync("data-value", "0", Attribute);

        await GoAsync(page, "/settings");
        await page.GetByTestId("settings-key-name").FillAsync("CRM sync");
        await page.GetByTestId("settings-key-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-new-key")).ToContainTextAsync("sk_", Text);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("settings-keys"), FullPage = true });
        await ClickTabAsync(page, "Mailboxes");
        await page.GetByTestId("settings-mailbox-new").ClickAsync();
        await page.GetByTestId("settings-mailbox-from").FillAsync("sales@example.com");
        await page.GetByTestId("settings-mailbox-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-mailbox-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("settings-mailboxes"), FullPage = true });
    }

    [Fact]
    public async Task A_teammate_added_under_team_signs_in_with_the_handed_over_password_and_sets_their_own()
    {
        await using var adminContext = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var admin = await adminContext.NewPageAsync();
        await app.SignInAsync(admin);
        // By the tab's link: choosing tabs by click is the next test's subject (see ClickTabAsync).
        await GoAsync(admin, "/settings?tab=team");
        await Assertions.Expect(admin.GetByTestId("team-add")).ToBeVisibleAsync(Visible);
        await admin.GetByTestId("team-email").FillAsync("robin@demo.test");
        await admin.GetByTestId("team-name").FillAsync("Robin");
        await admin.GetByTestId("team-add").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("team-password")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(admin.GetByTestId("team-member")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        var handedOver = (await admin.GetByTestId("team-password").TextContentAsync())!.Trim();
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("settings-team"), FullPage = true });

        await using var robinContext = await app.Browser.NewContextAsync();
        var robin = await robinContext.NewPageAsync();
        await SignInAsAsync(robin, "robin@demo.test", handedOver);
        // From the interactive app to the static account page and back, by the links a person clicks.
        await robin.GetByTestId("current-user").ClickAsync();
        await Assertions.Expect(robin.GetByTestId("account-email")).ToContainTextAsync("robin@demo.test", Text);
        await robin.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await robin.GetByTestId("account-current").FillAsync(handedOver);
        await robin.GetByTestId("account-new").FillAsync("Robins-Own-Password-7");
        await robin.GetByTestId("account-confirm").FillAsync("Robins-Own-Password-7");
        await robin.GetByTestId("account-change-password").ClickAsync();
        await Assertions.Expect(robin.GetByTestId("account-message")).ToContainTextAsync("Your password is changed.", Text);
        await robin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("account"), FullPage = true });
        await robin.GetByTestId("account-back").ClickAsync();
        await Assertions.Expect(robin.GetByTestId("current-user")).ToContainTextAsync("robin@demo.test", Text);

        await using var laterContext = await app.Browser.NewContextAsync();
        await SignInAsAsync(await laterContext.NewPageAsync(), "robin@demo.test", "Robins-Own-Password-7");
    }

    private async Task SignInAsAsync(IPage page, string email, string password)
    {
        await page.GotoAsync($"{app.BaseUrl}/login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync(email, Text);
    }

    [Fact]
    public async Task A_link_to_a_settings_tab_opens_it_and_choosing_a_tab_puts_it_in_the_address_without_server_errors()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        var errorsBefore = app.Logs.Entries.Count(e => e.Level >= LogLevel.Error);

        await GoAsync(page, "/settings?tab=team");
        await Assertions.Expect(page.GetByTestId("team-add")).ToBeVisibleAsync(Visible);
        await ClickTabAsync(page, "Mailboxes");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/settings\?tab=mailboxes$"), new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("settings-mailbox-new")).ToBeVisibleAsync(Visible);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("settings-mailbox-new")).ToBeVisibleAsync(Visible);
        await GoAsync(page, "/leads");
        await page.CloseAsync();

        app.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Skip(errorsBefore).Select(e => $"{e.Category}: {e.Message}")
            .Should().BeEmpty("neither the prerender nor closing the page may fail");
    }

    /// <summary>
    /// Clicks a tab the way a hand does, with a moment between press and release. MudTabs re-renders on the press
    /// and gives the tab a new click handler; Playwright's instant press-and-release sent the click with the old one,
    /// which a loaded server had already dropped ("There is no event handler associated with this event"), so the
    /// click did nothing. A person's press lasts long enough for the new handler to arrive first.
    /// </summary>
    private static Task ClickTabAsync(IPage page, string text) =>
        page.Locator(".mud-tab", new() { HasText = text }).ClickAsync(new() { Delay = 150 });

    private async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync($"{app.BaseUrl}{path}");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
    }
}
