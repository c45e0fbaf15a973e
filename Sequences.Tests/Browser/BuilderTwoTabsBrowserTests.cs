using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Browser;

/// <summary>One sequence open in two tabs: the later save does not silently wipe the earlier one.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BuilderTwoTabsBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };

    [Fact]
    public async Task A_save_from_a_tab_that_read_an_older_version_is_refused_until_the_user_chooses_to_overwrite()
    {
        var sequenceId = await app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
            (await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
            {
                Name = $"Two tabs {Guid.NewGuid():N}"[..17],
                Steps = [new StepInput { StepType = StepType.Email, SubjectLine = "Hello", BodyText = "Hi there" }],
            })).Id);
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        var first = await context.NewPageAsync();
        await app.SignInAsync(first);
        var second = await context.NewPageAsync();
        foreach (var page in new[] { first, second })
        {
            await page.GotoAsync($"{app.BaseUrl}/sequences/{sequenceId}/edit");
            await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
            await Assertions.Expect(page.GetByTestId("sequence-name")).Not.ToHaveValueAsync("", new() { Timeout = Timeout });
        }

        await first.GetByTestId("sequence-name").FillAsync("Renamed in the first tab");
        await first.GetByTestId("builder-save").ClickAsync();
        await Assertions.Expect(first.GetByTestId("sequence-builder")).ToHaveAttributeAsync("data-dirty", "false", new() { Timeout = Timeout });
        (await NameAsync(sequenceId)).Should().Be("Renamed in the first tab");

        await second.GetByTestId("sequence-name").FillAsync("Renamed in the second tab");
        await second.GetByTestId("builder-save").ClickAsync();
        await Assertions.Expect(second.GetByTestId("builder-save-error")).ToContainTextAsync("saved elsewhere", new() { Timeout = Timeout });
        (await NameAsync(sequenceId)).Should().Be("Renamed in the first tab", "the older tab's save must not wipe the newer one");
        await Assertions.Expect(second.GetByTestId("sequence-name")).ToHaveValueAsync("Renamed in the second tab");

        await second.GetByTestId("builder-overwrite").ClickAsync();
        await Assertions.Expect(second.GetByTestId("sequence-builder")).ToHaveAttributeAsync("data-dirty", "false", new() { Timeout = Timeout });
        (await NameAsync(sequenceId)).Should().Be("Renamed in the second tab", "overwriting was the user's choice");
    }

    private Task<string> NameAsync(Guid id) =>
        app.AsTenantAsync(BootstrapService.DemoEmail, async services => (await services.GetRequiredService<SequenceService>().GetAsync(id)).Name);
}
