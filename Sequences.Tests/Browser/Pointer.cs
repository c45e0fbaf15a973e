using Microsoft.Playwright;

namespace Sequences.Tests.Browser;

public static class Pointer
{
    /// <summary>Clicks <paramref name="target"/> and returns the test id of what had the focus between the press and the
    /// release: the moment when the click has not reached the server yet, so only the page's own handling counts.</summary>
    public static async Task<string?> ClickNotingFocusAsync(IPage page, ILocator target)
    {
        var box = (await target.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        var focused = await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName");
        await page.Mouse.UpAsync();
        return focused;
    }
}
