using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sequences.Core.Explain;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Bootstrap;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Explain;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Browser;

/// <summary>In real Chromium: a send window set in the builder's settings dialog is saved and served by the API; the lead
/// page's "Why?" panel names the next step, its time and the send window, and then the pause that blocks it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SequenceSettingsAndWhyBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const float Timeout = 20_000;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = Timeout };
    private static readonly LocatorAssertionsToHaveTextOptions HasText = new() { Timeout = Timeout };

    [Fact]
    public async Task A_send_window_set_in_the_settings_dialog_is_saved_and_the_api_shows_it()
    {
        var sequence = await AsDemoAsync(s => s.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
        {
            Name = "Windowed",
            Steps = [new StepInput { StepType = StepType.Email, Name = "Hello", SubjectLine = "Hello", BodyHtml = "<p>Hi</p>" }],
        }));
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1200 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await GoAsync(page, $"/sequences/{sequence.Id}/edit");
        var builder = page.GetByTestId("sequence-builder");
        await Assertions.Expect(builder).ToHaveAttributeAsync("data-dirty", "false", Attribute);

        await page.GetByTestId("sequence-settings-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sequence-settings-dialog")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("sequence-settings-window-start")).ToHaveValueAsync("09:00");
        // A window that ends before it starts is refused in plain words, and cannot be applied.
        await page.GetByTestId("sequence-settings-window-end").FillAsync("07:00");
        await Assertions.Expect(page.GetByTestId("sequence-settings-dialog")).ToContainTextAsync("The window must end after it starts.", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("sequence-settings-apply")).ToBeDisabledAsync(new() { Timeout = Timeout });
        await page.GetByTestId("sequence-settings-window-start").FillAsync("08:00");
        await page.GetByTestId("sequence-settings-window-end").FillAsync("24:00");
        await Assertions.Expect(page.GetByTestId("sequence-settings-apply")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("builder-settings") });
        await page.GetByTestId("sequence-settings-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sequence-settings-dialog")).ToHaveCountAsync(0, new() { Timeout = Timeout });

        await Assertions.Expect(builder).ToHaveAttributeAsync("data-dirty", "true", Attribute);
        await page.GetByTestId("builder-save").ClickAsync();
        await Assertions.Expect(builder).ToHaveAttributeAsync("data-dirty", "false", Attribute);

        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoApiKey);
        var stored = JsonNode.Parse(await api.GetStringAsync($"/api/sequences/{sequence.Id}"))!;
        stored["settings"]!["send_window"]!["start"]!.GetValue<string>().Should().Be("08:00");
        stored["settings"]!["send_window"]!["end"]!.GetValue<string>().Should().Be("24:00");
    }

    [Fact]
    public async Task Why_shows_the_next_email_waiting_for_the_send_window_then_the_pause_that_blocks_it()
    {
        // The host runs on the real clock: a one-hour window two hours from now is closed now whatever the time of day.
        var now = DateTime.UtcNow;
        var startHour = (now.Hour + 2) % 24;
        var window = new SendWindow($"{startHour:00}:00", startHour == 23 ? "24:00" : $"{startHour + 1:00}:00");
        var opensAt = now.Date.AddDays(now.Hour + 2 >= 24 ? 1 : 0).AddHours(startHour);
        var (sequence, lead) = await AsDemoAsync(async s =>
        {
            var created = await s.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
            {
                Name = "Why outreach",
                Settings = new SequenceSettings { SendWindow = window, BusinessDaysOnly = false },
                Steps = [new StepInput { StepType = StepType.Email, Name = "Intro", SubjectLine = "Hello", BodyHtml = "<p>Hi</p>" }],
            });
            await s.GetRequiredService<SequenceLifecycle>().StartAsync(created.Id);
            var person = await s.GetRequiredService<LeadService>().CreateAsync(new LeadInput { Email = "why@example.org", FirstName = "Wyatt", Timezone = "UTC" });
            await s.GetRequiredService<EnrollmentService>().EnrollAsync(person.Id, created.Id, null);
            return (created, person);
        });
        var expected = await ExplainAsync(lead.Id, sequence.Id);
        var stepId = sequence.Steps.Single().Id;

        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1200 } });
        var page = await context.NewPageAsync();
        await app.SignInAsync(page);
        await GoAsync(page, $"/leads/{lead.Id}");
        var state = page.GetByTestId("lead-state");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-status", "active", Attribute);
        await state.GetByTestId("lead-why").ClickAsync();

        var panel = page.GetByTestId("lead-explain");
        await Assertions.Expect(panel).ToBeVisibleAsync(Visible);
        var step = panel.Locator($"[data-testid=explain-step][data-step-id='{stepId}']");
        await Assertions.Expect(step).ToHaveAttributeAsync("data-status", "next", Attribute);
        var next = expected.Steps.Single();
        next.At.Should().Be(opensAt, "the email waits for the window to open");
        await Assertions.Expect(step.GetByTestId("explain-step-sentence"))
            .ToHaveTextAsync($"Next: {ExplanationSentences.When(opensAt, new SentenceFacts(TimeZoneInfo.Utc))}.", HasText);
        var windowReason = step.Locator("[data-testid=explain-reason][data-code=send_window]");
        await Assertions.Expect(windowReason).ToHaveTextAsync(next.Reasons.Single(r => r.Code == ExplainCode.SendWindow).Sentence, HasText);
        (await windowReason.TextContentAsync()).Should().Be(
            $"Outside the send window {window.Start}-{window.End} (UTC), until {ExplanationSentences.When(opensAt, new SentenceFacts(TimeZoneInfo.Utc))}.");
        await Assertions.Expect(panel.GetByTestId("explain-summary")).ToHaveTextAsync(expected.Summary, HasText);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("lead-why-next"), FullPage = true });

        // Pausing the lead refreshes the open panel: the pause now blocks the step.
        await state.GetByTestId("lead-pause").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-status", "paused", Attribute);
        var blocker = panel.Locator("[data-testid=explain-blocker][data-code=lead_paused]");
        await Assertions.Expect(blocker).ToBeVisibleAsync(Visible);
        var paused = await ExplainAsync(lead.Id, sequence.Id);
        var sentence = paused.Blockers.Single(b => b.Code == ExplainCode.LeadPaused).Sentence;
        sentence.Should().StartWith("The lead is paused in this sequence since ").And.EndWith(": nothing runs until someone resumes it.");
        await Assertions.Expect(blocker).ToHaveTextAsync(sentence, HasText);
        await Assertions.Expect(panel.GetByTestId("explain-summary")).ToHaveTextAsync(sentence, HasText);
        await Assertions.Expect(step).ToHaveAttributeAsync("data-status", "blocked", Attribute);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("lead-why-paused"), FullPage = true });
    }

    private string DemoApiKey => (string)app.Logs.Entries.Single(e => e.State.ContainsKey("DemoApiKey")).State["DemoApiKey"]!;

    private Task<T> AsDemoAsync<T>(Func<IServiceProvider, Task<T>> work) => app.AsTenantAsync(BootstrapService.DemoEmail, work);

    private Task<Explanation> ExplainAsync(Guid leadId, Guid sequenceId) =>
        AsDemoAsync(s => s.GetRequiredService<ExplainService>().ExplainAsync(leadId, sequenceId));

    /// <summary>Loads a page and waits for its circuit: the prerendered HTML shows first, but ignores clicks.</summary>
    private async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync($"{app.BaseUrl}{path}");
        await Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive=true]")).ToBeVisibleAsync(Visible);
    }
}
