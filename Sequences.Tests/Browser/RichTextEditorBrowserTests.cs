using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Templates;

namespace Sequences.Tests.Browser;

/// <summary>The TipTap editor from the project's own npm build, in Chromium: it loads in the template editor, typing
/// changes the saved html, and Liquid variables come through untouched.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RichTextEditorBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };

    [Fact]
    public async Task Typing_in_the_rich_text_editor_changes_the_saved_html_and_keeps_liquid_intact()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var (page, editor) = await NewTemplateAsync(context, "Rich text check", "Hello {{ lead.first_name }}");

        // A new template starts from a short greeting; replace it.
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.TypeAsync("Dear ");
        // A busy browser has not painted since the click when the next keys come: they must still go into the body.
        await AnimationFrames.HoldAsync(page);
        (await Pointer.ClickNotingFocusAsync(page, page.GetByTestId("template-variables").GetByText("{{ lead.first_name }}"))).Should().Be("rich-text-content");
        // The chip inserts through the server: type on once it shows, as a person would.
        await Assertions.Expect(editor).ToContainTextAsync("{{ lead.first_name }}", new() { Timeout = Timeout });
        await page.Keyboard.TypeAsync(", welcome {% if lead.company %}from {{ lead.company }}{% endif %}!");
        await AnimationFrames.ReleaseAsync(page);
        await page.Keyboard.PressAsync("Control+b");
        await page.Keyboard.TypeAsync("Bold move");
        // A formatting button runs through the server too; the text keeps the focus meanwhile (italic on, then off).
        foreach (var _ in new[] { "on", "off" })
            (await Pointer.ClickNotingFocusAsync(page, page.Locator("[data-testid=template-body-html] [data-command=italic]"))).Should().Be("rich-text-content");
        await Assertions.Expect(page.GetByTestId("template-preview-subject")).ToHaveTextAsync("Hello Jane", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("template-preview-html")).ToHaveAttributeAsync("srcdoc",
            new System.Text.RegularExpressions.Regex("Dear Jane, welcome from Acme Corp!"), new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("rich-text-editor"), FullPage = true });

        await page.GetByTestId("template-save").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=template-row][data-built-in=false]", new() { HasText = "Rich text check" }))
            .ToHaveCountAsync(1, new() { Timeout = Timeout });
        var saved = await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
            (await services.GetRequiredService<TemplateService>().ListAsync("Rich text check")).Single());
        saved.BodyHtml.Should().Be("<p>Dear {{ lead.first_name }}, welcome {% if lead.company %}from {{ lead.company }}{% endif %}!<strong>Bold move</strong></p>");
    }

    [Fact]
    public async Task A_pasted_newsletter_is_kept_and_a_paste_past_the_limit_is_undone_with_a_message_while_the_page_stays_alive()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var (page, editor) = await NewTemplateAsync(context, "Pasted newsletter", "News");
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+a");

        // ~45 KB: more than the 32 KB a circuit message could carry before.
        var newsletter = string.Concat(Enumerable.Range(1, 800).Select(i => $"<p>Paragraph {i} of this month's news for our readers.</p>"));
        await PasteAsync(editor, newsletter);
        await Assertions.Expect(page.GetByTestId("template-preview-html")).ToHaveAttributeAsync("srcdoc",
            new System.Text.RegularExpressions.Regex("Paragraph 800 of this"), new() { Timeout = Timeout });

        var huge = string.Concat(Enumerable.Range(1, 3000).Select(i => $"<p>Huge {i} of a paste far past what an email body may hold.</p>"));
        await PasteAsync(editor, huge);
        await Assertions.Expect(page.GetByTestId("template-body-html-too-long")).ToContainTextAsync("so it was undone", new() { Timeout = Timeout });
        await Assertions.Expect(editor).Not.ToContainTextAsync("Huge 1 of", new() { Timeout = Timeout });

        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync(" Signed, the team");
        await Assertions.Expect(page.GetByTestId("template-preview-html")).ToHaveAttributeAsync("srcdoc",
            new System.Text.RegularExpressions.Regex("Signed, the team"), new() { Timeout = Timeout });
        await page.GetByTestId("template-save").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=template-row][data-built-in=false]", new() { HasText = "Pasted newsletter" }))
            .ToHaveCountAsync(1, new() { Timeout = Timeout });
        var saved = await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
            (await services.GetRequiredService<TemplateService>().ListAsync("Pasted newsletter")).Single());
        saved.BodyHtml.Should().Contain("Paragraph 800 of this").And.Contain("Signed, the team").And.NotContain("Huge");
    }

    /// <summary>Signed in, on a new template with this name and subject: the page and its loaded body editor.</summary>
    [Fact]
    public async Task A_link_is_added_to_selected_text_from_the_toolbar_and_a_bad_address_is_refused()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var (page, editor) = await NewTemplateAsync(context, "Link check", "Hello");
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.TypeAsync("Book a call");
        await page.Keyboard.PressAsync("Control+a");

        await page.GetByTestId("template-body-html-link").ClickAsync();
        var href = page.GetByTestId("template-body-html-link-href");
        await href.FillAsync("example.com");
        await page.GetByTestId("template-body-html-link-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-body-html-link-form")).ToContainTextAsync("starting with https://", new() { Timeout = Timeout });
        await Assertions.Expect(editor.Locator("a")).ToHaveCountAsync(0, new() { Timeout = Timeout });

        await href.FillAsync("https://example.com/call?who={{ lead.email }}");
        await page.GetByTestId("template-body-html-link-apply").ClickAsync();

        await Assertions.Expect(editor.Locator("a")).ToHaveTextAsync("Book a call", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("template-body-html-link-form")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await page.GetByTestId("template-save").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=template-row][data-built-in=false]", new() { HasText = "Link check" }))
            .ToHaveCountAsync(1, new() { Timeout = Timeout });
        var saved = await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
            (await services.GetRequiredService<TemplateService>().ListAsync("Link check")).Single());
        saved.BodyHtml.Should().Contain("<a ").And.Contain("href=\"https://example.com/call?who={{ lead.email }}\"").And.Contain(">Book a call</a>");
    }

    private async Task<(IPage Page, ILocator Editor)> NewTemplateAsync(IBrowserContext context, string name, string subject)
    {
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/templates");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        await page.GetByTestId("template-new").ClickAsync();
        await page.GetByTestId("template-name").FillAsync(name);
        await page.GetByTestId("template-subject").FillAsync(subject);
        var editor = page.Locator("[data-testid=template-body-html][data-ready=true] [data-testid=rich-text-content]");
        await Assertions.Expect(editor).ToBeVisibleAsync(Visible);
        return (page, editor);
    }

    /// <summary>What a browser does with a paste from the clipboard: a paste event carrying html.</summary>
    private static Task PasteAsync(ILocator editor, string html) =>
        editor.EvaluateAsync("(el, html) => { const data = new DataTransfer(); data.setData('text/html', html); " +
                             "el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })); }", html);
}
