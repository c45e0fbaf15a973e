using System.Text;
using Microsoft.Playwright;

namespace Sequences.Tests.Browser;

/// <summary>A large CSV import shows its progress while it runs, not only its report at the end.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportProgressBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 60_000;

    [Fact]
    public async Task The_progress_bar_moves_while_thousands_of_rows_are_stored()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/leads");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = Timeout });

        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = new StringBuilder("email,first_name,company\n");
        for (var i = 0; i < 6000; i++) csv.Append($"p{i}-{tag}@progress.example,Person {i},Company {i % 50}\n");
        await page.GetByTestId("leads-import").SetInputFilesAsync(new FilePayload { Name = "big.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await Assertions.Expect(page.GetByTestId("import-mapping")).ToBeVisibleAsync(new() { Timeout = Timeout });
        // Every value the bar shows, as the page shows it (the browser's own record, not a poll that could miss it).
        await page.EvaluateAsync("""
            () => { window.__progress = []; new MutationObserver(() => {
                const bar = document.querySelector('[data-testid=import-progress]');
                if (bar) window.__progress.push(Number(bar.dataset.value));
            }).observe(document.body, { subtree: true, childList: true, attributes: true }); }
            """);
        await page.GetByTestId("import-start").ClickAsync();

        await Assertions.Expect(page.GetByTestId("import-report")).ToHaveAttributeAsync("data-imported", "6000", new() { Timeout = Timeout });
        var seen = await page.EvaluateAsync<double[]>("() => window.__progress");
        seen.Should().Contain(v => v > 0 && v < 100, "the bar showed the import part way through");
    }
}
