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
        await page.Locator(".mud-tab", new() { HasText = "Mailboxes" }).ClickAsync();
        await page.GetByTestId("settings-mailbox-new").ClickAsync();
        await page.GetByTestId("settings-mailbox-from").FillAsync("sales@example.com");
        await page.GetByTestId("settings-mailbox-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-mailbox-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("settings-mailboxes"), FullPage = true });
    }


    private async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync($"{app.BaseUrl}{path}");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
    }
}
