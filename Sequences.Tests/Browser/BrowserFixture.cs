using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Browser;

[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}

/// <summary>The real app on Kestrel (a free loopback port) with its first-start demo tenant, and
/// Debian's Chromium driven by Playwright's bundled driver (nothing is downloaded).</summary>
public sealed class BrowserApp : SqliteApp
{
    private IPlaywright? _playwright;

    public BrowserApp() => UseKestrel(0);

    protected override bool BootstrapTenants => false;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public (string Email, string Password) DemoLogin
    {
        get
        {
            var entry = Logs.Entries.Single(e => e.State.ContainsKey("DemoPassword"));
            return ((string)entry.State["DemoEmail"]!, (string)entry.State["DemoPassword"]!);
        }
    }

    protected override void StartHost() => StartServer();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Signs in as the demo user through the login form and waits for the app bar to show who is signed in.</summary>
    public async Task SignInAsync(IPage page)
    {
        var (email, password) = DemoLogin;
        await page.GotoAsync($"{BaseUrl}/login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        // The address on a wide screen, an account icon on a phone.
        await Assertions.Expect(page.Locator("[data-testid=current-user]:visible, [data-testid=current-user-icon]:visible").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    /// <summary>Screenshots are test artifacts under TestResults/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sequences.sln"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{name}.png");
    }
}
