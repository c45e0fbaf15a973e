using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Browser;

/// <summary>A marketer builds a sequence in real Chromium: palette drag and drop, a hand-drawn no-branch,
/// properties edits, save, reload, and an export imported again.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BuilderBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions Count = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToContainTextOptions Text = new() { Timeout = Timeout };

    [Fact]
    public async Task Build_save_reload_export_and_import_a_sequence()
    {
        try
        {
            await BuildAsync();
        }
        catch
        {
            // A circuit error shows only in the server log: print it with the failure.
            foreach (var e in app.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning)) Console.WriteLine($"server: {e.Category} {e.Message}");
            throw;
        }
    }

    private async Task BuildAsync()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1400 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/sequences/new");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("sequence-name")).ToHaveAttributeAsync("aria-invalid", "false", Attribute);
        await page.GetByTestId("sequence-name").FillAsync("x");
        await page.GetByTestId("sequence-name").FillAsync("");
        await Assertions.Expect(page.GetByTestId("sequence-name")).ToHaveAttributeAsync("aria-invalid", "true", Attribute);
        await page.GetByTestId("sequence-name").FillAsync("Built in the browser");

        var nodes = page.GetByTestId("step-node");
        var canvas = page.GetByTestId("builder-canvas");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-ready", "true", Attribute);

        // One step of each type, each dropped on empty canvas (to the right of the chain): they append in order.
        await DropAsync(page, "palette-email", 1);
        await page.GetByTestId("email-subject").FillAsync("Hello {{ lead.first_name }}");
        await BodyAsync(page, "Nice to meet you, ");
        await InsertVariableAndTypeOnAsync(page, "{{ lead.first_name }}", ".");
        await Assertions.Expect(nodes.Nth(0).GetByTestId("step-node-detail")).ToHaveTextAsync("Hello {{ lead.first_name }}", new() { Timeout = Timeout });

        await DropAsync(page, "palette-delay", 2);
        await page.GetByTestId("delay-days").FillAsync("3");
        await page.GetByTestId("delay-hours").FillAsync("4");
        await Assertions.Expect(nodes.Nth(1).GetByTestId("step-node-wait")).ToHaveTextAsync("Wait 3 days 4 hours", new() { Timeout = Timeout });

        await DropAsync(page, "palette-condition", 3);
        await DropAsync(page, "palette-email", 4);
        await page.GetByTestId("email-subject").FillAsync("Following up");
        await BodyAsync(page, "Any thoughts, ");
        await InsertVariableAndTypeOnAsync(page, "{{ lead.name }}", "?", keyboard: true);
        await DropAsync(page, "palette-action", 5);

        // Draw the condition's no-branch onto the action: it skips the follow-up email.
        var condition = page.Locator("[data-testid=step-node][data-step-type=condition]");
        await Assertions.Expect(condition.GetByTestId("step-node-branches")).ToContainTextAsync("No → step 4", Text);
        await DragAsync(page, condition.GetByTestId("port-no"), page.Locator("[data-testid=step-node][data-step-type=action]"));
        await Assertions.Expect(condition.GetByTestId("step-node-branches")).ToContainTextAsync("No → step 5", Text);

        await LinksMeetTheirPortsAsync(page, 6);
        // Moved off the chain, a step keeps its place in the order, and its arrows follow it.
        var action = page.Locator("[data-testid=step-node][data-step-type=action]");
        var before = (await action.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(before.X + 40, before.Y + 30);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(before.X + 400, before.Y + 60, new() { Steps = 12 });
        await page.Mouse.UpAsync();
        // The server moves the node as the pointer's events reach it: wait for the last one.
        await page.WaitForFunctionAsync("x => Math.abs(document.querySelector('[data-testid=step-node][data-step-type=action]').getBoundingClientRect().x - x) < 2",
            (double)before.X + 360, new() { Timeout = Timeout }); // a float argument reaches the page as NaN
        await Assertions.Expect(action).ToHaveAttributeAsync("data-step-index", "4", Attribute);
        await LinksMeetTheirPortsAsync(page, 6);

        await Assertions.Expect(page.GetByTestId("validation-panel")).ToHaveAttributeAsync("data-errors", "0", Attribute);
        await Assertions.Expect(page.GetByTestId("sequence-start")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("builder"), FullPage = true });

        await page.GetByTestId("builder-save").ClickAsync();
        // The builder moves to the new sequence's address in the page (no load): an assertion that polls sees it
        // however early it happened, where WaitForURL could miss a change made before it began to listen.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sequences/[0-9a-f-]{36}/edit$"), new() { Timeout = Timeout });
        var builder = page.GetByTestId("sequence-builder");
        await Assertions.Expect(builder).ToHaveAttributeAsync("data-dirty", "false", Attribute);
        await Assertions.Expect(nodes.Nth(4)).ToHaveAttributeAsync("data-step-id", new System.Text.RegularExpressions.Regex("^[0-9a-f-]{36}$"), Attribute);
        var sequenceId = Guid.Parse((await builder.GetAttributeAsync("data-sequence-id"))!);

        // Reload: everything came from the database.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(nodes).ToHaveCountAsync(5, Count);
        (await nodes.EvaluateAllAsync<string[]>("ns => ns.map(n => n.dataset.stepType)"))
            .Should().Equal("email", "delay", "condition", "email", "action");
        await Assertions.Expect(page.GetByTestId("sequence-name")).ToHaveValueAsync("Built in the browser");
        await Assertions.Expect(page.GetByTestId("step-list-item")).ToHaveCountAsync(5, Count);
        // The list selects a step by its name, the first one too (a drop target used to lie over it).
        await page.GetByTestId("step-list-item").First.Locator("a").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("email-subject")).ToHaveValueAsync("Hello {{ lead.first_name }}", new() { Timeout = Timeout });
        await Assertions.Expect(nodes.Nth(0).GetByTestId("step-node-detail")).ToHaveTextAsync("Hello {{ lead.first_name }}");
        await Assertions.Expect(nodes.Nth(1).GetByTestId("step-node-wait")).ToHaveTextAsync("Wait 3 days 4 hours");
        await Assertions.Expect(condition.GetByTestId("step-node-branches")).ToContainTextAsync("No → step 5");
        await LinksMeetTheirPortsAsync(page, 6);
        await nodes.Nth(1).ClickAsync();
        await Assertions.Expect(page.GetByTestId("delay-days")).ToHaveValueAsync("3", new() { Timeout = Timeout });

        var stored = await app.AsTenantAsync(BootstrapService.DemoEmail, s => s.GetRequiredService<SequenceService>().GetAsync(sequenceId));
        stored.Steps.Select(s => s.StepType).Should().Equal(StepType.Email, StepType.Delay, StepType.Condition, StepType.Email, StepType.Action);
        stored.Steps[2].ConditionValue!.OnFalse.Should().Be(stored.Steps[4].Id.ToString());
        stored.Steps[0].SubjectLine.Should().Be("Hello {{ lead.first_name }}");
        stored.Steps[0].BodyHtml.Should().Be("<p>Nice to meet you, {{ lead.first_name }}.</p>");

        // Preview with a real lead: her name in the rendered subject.
        await page.GetByTestId("preview-open").ClickAsync();
        await page.GetByTestId("preview-lead").FillAsync("Grace");
        await page.GetByTestId("preview-lead-option").Filter(new() { HasText = "Grace" }).First.ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("preview-subject").First).ToHaveTextAsync("Hello Grace", new() { Timeout = Timeout });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("preview-dialog")).ToHaveCountAsync(0, Count);
        (stored.Steps[1].DelayDays, stored.Steps[1].DelayHours).Should().Be((3, 4));

        // Export, then import the file: a new sequence with the same steps.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("sequence-export").ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"builder-export-{Guid.NewGuid():N}.json");
        await download.SaveAsAsync(file);
        (await File.ReadAllTextAsync(file)).Should().Contain("\"format_version\": 1").And.Contain("Following up");

        await page.GetByTestId("sequence-import").SetInputFilesAsync(file);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/sequences/(?!{sequenceId})[0-9a-f-]{{36}}/edit$"), new() { Timeout = Timeout });
        await Assertions.Expect(nodes).ToHaveCountAsync(5, Count);
        await Assertions.Expect(page.GetByTestId("sequence-name")).ToHaveValueAsync("Built in the browser (imported)", new() { Timeout = Timeout });
        await Assertions.Expect(condition.GetByTestId("step-node-branches")).ToContainTextAsync("No → step 5", Text);
        File.Delete(file);
    }

    /// <summary>HTML5 drag from the palette to an empty spot right of the chain; waits for the new node.</summary>
    /// <summary>Types into the rich text editor of the selected email step.</summary>
    private static async Task BodyAsync(IPage page, string text)
    {
        var editor = page.GetByTestId("email-body");
        await Assertions.Expect(editor).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = Timeout });
        await editor.Locator(".ProseMirror").FillAsync(text);
    }

    /// <summary>Clicks a variable chip over the body (or presses Enter on it) and types on at once, before the browser's
    /// next frame: the keys must go into the body, after the variable, and the body keeps the focus once the frames
    /// have run.</summary>
    private static async Task InsertVariableAndTypeOnAsync(IPage page, string variable, string text, bool keyboard = false)
    {
        var body = page.GetByTestId("email-body").Locator(".ProseMirror");
        var chip = page.GetByTestId("email-variables").Locator($"[data-variable='{variable}']");
        if (keyboard)
        {
            // From the keyboard the chip has the focus, and the insert must hand it back to the body at once.
            await chip.FocusAsync();
            await AnimationFrames.HoldAsync(page);
            await page.Keyboard.PressAsync("Enter");
        }
        else
        {
            await AnimationFrames.HoldAsync(page);
            (await Pointer.ClickNotingFocusAsync(page, chip)).Should().Be("rich-text-content");
        }
        await Assertions.Expect(body).ToContainTextAsync(variable, Text);
        await page.Keyboard.TypeAsync(text);
        await AnimationFrames.ReleaseAsync(page);
        await Assertions.Expect(body).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(variable + text) + "$"), new() { Timeout = Timeout });
        await Assertions.Expect(body).ToBeFocusedAsync();
    }

    /// <summary>Every arrow on the canvas leaves its step at the port the page draws and points at a step's way-in
    /// port: the server places ports from the sizes builder.css fixes instead of measuring them in the browser.</summary>
    private static async Task LinksMeetTheirPortsAsync(IPage page, int links)
    {
        // Nodes and arrows re-render in separate steps after a gesture: wait until they agree, and if they never do,
        // say which arrows are off.
        var expected = $"{links} links";
        try
        {
            await page.WaitForFunctionAsync($"expected => ({LinkCheck})(document.querySelector('[data-testid=builder-canvas]')).join('|') === expected",
                expected, new() { Timeout = Timeout });
        }
        catch (TimeoutException)
        {
        }
        var problems = await page.GetByTestId("builder-canvas").EvaluateAsync<string[]>(LinkCheck);
        problems.Should().Equal([expected], "every arrow joins the ports drawn on the page");
    }

    /// <summary>Lists the canvas's arrows that do not join their ports, after a first entry "N links".</summary>
    private const string LinkCheck = """
        canvas => {
            const html = canvas.querySelector('.diagram-html-layer');
            if (!html) return ['the canvas is not drawn yet'];
            const layer = html.getBoundingClientRect();
            const at = (r, side) => side === 'right' ? [r.right - layer.left, r.top + r.height / 2 - layer.top]
                : side === 'top' ? [r.left + r.width / 2 - layer.left, r.top - layer.top]
                : [r.left + r.width / 2 - layer.left, r.bottom - layer.top];
            const near = (a, b) => Math.abs(a[0] - b[0]) <= 1.5 && Math.abs(a[1] - b[1]) <= 1.5;
            const ways = [...canvas.querySelectorAll('.diagram-port.top')].map(p => at(p.getBoundingClientRect(), 'top'));
            const problems = [];
            const groups = [...canvas.querySelectorAll('g.diagram-link')];
            for (const g of groups) {
                const id = g.dataset.linkId;
                const [node, kind] = id === 'start' ? ['start', 'next'] : [id.slice(0, 36), id.slice(37)];
                const port = canvas.querySelector(`[data-node-id="${node}"] ` + (kind === 'yes' ? '.port-yes' : kind === 'no' ? '.port-no' : '.diagram-port.bottom'));
                if (!port) { problems.push(`${id} has no port on the page`); continue; }
                // Mid-render an arrow can be on the page before its path or its head: not drawn yet, so not yet right.
                const path = g.querySelector('path')?.getAttribute('d')?.match(/^M\s*([-\d.]+)[ ,]+([-\d.]+)/);
                const head = g.querySelector('g[transform]')?.getAttribute('transform')?.match(/translate\(([-\d.]+),\s*([-\d.]+)\)\s*rotate\(([-\d.]+)\)/);
                if (!path || !head) { problems.push(`${id} is not drawn yet`); continue; }
                const start = path.slice(1).map(Number);
                const expected = at(port.getBoundingClientRect(), kind === 'no' ? 'right' : 'bottom');
                if (!near(start, expected)) problems.push(`${id} starts at ${start} but its port is at ${expected}`);
                const [, x, y, angle] = head.map(Number);
                const tip = [x + 10 * Math.cos(angle * Math.PI / 180), y + 10 * Math.sin(angle * Math.PI / 180)];
                if (!ways.some(w => near(tip, w))) problems.push(`${id} points at ${tip}, on no step's way-in port`);
            }
            return [`${groups.length} links`, ...problems];
        }
        """;

    private static async Task DropAsync(IPage page, string paletteTestId, int expectedNodes)
    {
        await page.GetByTestId(paletteTestId).DragToAsync(page.GetByTestId("builder-canvas"), new() { TargetPosition = new() { X = 600, Y = 200 } });
        await Assertions.Expect(page.GetByTestId("step-node")).ToHaveCountAsync(expectedNodes, Count);
        await Assertions.Expect(page.GetByTestId("properties-panel")).ToContainTextAsync($"Step {expectedNodes}:", Text);
    }

    /// <summary>Pointer drag, as Blazor.Diagrams listens to pointer events (not HTML5 drag) for new links. It ends
    /// just inside the target's top edge, where its way-in port snaps the link.</summary>
    private static async Task DragAsync(IPage page, ILocator from, ILocator to)
    {
        var source = (await from.BoundingBoxAsync())!;
        var target = (await to.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(source.X + source.Width / 2, source.Y + source.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + target.Width / 2, target.Y + 6, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
