using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Browser;

/// <summary>Editing a running sequence in real Chromium: the edit waits in a draft, the publish dialog shows where the
/// leads are, and publishing moves them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PublishBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToContainTextOptions Text = new() { Timeout = Timeout };

    [Fact]
    public async Task Edit_a_running_sequence_see_the_dry_run_and_publish_it()
    {
        var sequenceId = await RunningSequenceWithTwoLeadsAsync();
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1400 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await page.GotoAsync($"{app.BaseUrl}/sequences/{sequenceId}/edit");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("version-badge")).ToHaveTextAsync("v1 live", new() { Timeout = Timeout });
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"^Running [0-9a-f]{8} · Builder$"), new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("version-note")).ToContainTextAsync("Changes you save to its steps go to a new draft version", Text);

        await page.GetByTestId("step-node").Nth(1).ClickAsync();
        await page.GetByTestId("email-subject").FillAsync("Following up, rewritten");
        await page.GetByTestId("builder-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("version-badge")).ToHaveTextAsync("Draft v2 · v1 live", new() { Timeout = Timeout });
        (await StatesAsync(sequenceId)).Should().OnlyContain(s => s.Version == 1);

        await page.GetByTestId("version-publish").ClickAsync();
        var row = page.GetByTestId("publish-row");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-leads", "2", Attribute);
        await Assertions.Expect(row).ToContainTextAsync("v1 · step 1", Text);
        await Assertions.Expect(row.GetByTestId("publish-target")).ToContainTextAsync("Move to step 1", Text);
        (await StatesAsync(sequenceId)).Should().OnlyContain(s => s.Version == 1, "the dry run changes nothing");

        await page.GetByTestId("publish-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("version-badge")).ToHaveTextAsync("v2 live", new() { Timeout = Timeout });

        var states = await StatesAsync(sequenceId);
        states.Should().HaveCount(2).And.OnlyContain(s => s.Version == 2);
        var live = await app.AsTenantAsync(BootstrapService.DemoEmail, s => s.GetRequiredService<SequenceService>().GetAsync(sequenceId));
        live.Steps.Select(s => s.SubjectLine).Should().Equal("Hello", "Following up, rewritten");
        states.Should().OnlyContain(s => s.CurrentStepId == live.Steps[0].Id);

        // The sequence page lists both versions: the new one live, the old one retired (nobody left on it).
        await page.GotoAsync($"{app.BaseUrl}/sequences/{sequenceId}");
        await Assertions.Expect(page.Locator("[data-testid=version-row][data-version='2']")).ToHaveAttributeAsync("data-state", "live", Attribute);
        await Assertions.Expect(page.Locator("[data-testid=version-row][data-version='1']")).ToHaveAttributeAsync("data-state", "retired", Attribute);
        await Assertions.Expect(page.Locator("[data-testid=version-row][data-version='2']")).ToContainTextAsync("2 moved", Text);
    }

    private Task<Guid> RunningSequenceWithTwoLeadsAsync() =>
        app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
        {
            var sequence = await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
            {
                Name = $"Running {Guid.NewGuid():N}"[..16],
                Steps =
                [
                    new StepInput { StepType = StepType.Email, SubjectLine = "Hello", BodyText = "Hi there" },
                    new StepInput { StepType = StepType.Email, SubjectLine = "Following up", BodyText = "Any news?", DelayDays = 3 },
                ],
            });
            await services.GetRequiredService<SequenceLifecycle>().StartAsync(sequence.Id);
            foreach (var name in new[] { "Ada", "Grace" })
            {
                var lead = await services.GetRequiredService<LeadService>().CreateAsync(new LeadInput { Email = $"{name}-{Guid.NewGuid():N}@example.org", FirstName = name });
                await services.GetRequiredService<EnrollmentService>().EnrollAsync(lead.Id, sequence.Id, null);
            }
            return sequence.Id;
        });

    private Task<List<Sequences.Core.Engine.LeadSequenceState>> StatesAsync(Guid sequenceId) =>
        app.AsTenantAsync(BootstrapService.DemoEmail, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return await db.LeadSequenceStates.AsNoTracking().Where(s => s.SequenceId == sequenceId).ToListAsync();
        });
}
