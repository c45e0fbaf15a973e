using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Explain;
using Sequences.Infrastructure.Explain;
using Sequences.Web.Components.Pages.Leads;

namespace Sequences.Tests.Web;

/// <summary>The "Why?" panel on the lead page: opened per enrollment, it shows the explainer's own sentences.</summary>
public sealed class ExplainPanelTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Why_opens_the_panel_with_every_step_and_the_same_sentences_as_the_api()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA, "Draft outreach");
        var lead = await Seed.LeadAsync(Context.TenantA, "why@example.com", "Europe/Berlin");
        await Seed.EnrollAsync(Context.TenantA, lead.Id, sequence.Id);
        Explanation? expected = null;
        await Context.AsTenantAsync(Context.TenantA, async services =>
            expected = await services.GetRequiredService<ExplainService>().ExplainAsync(lead.Id, sequence.Id));

        var page = Context.Bunit.Render<LeadDetail>(p => p.Add(x => x.Id, lead.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=lead-why]"), Wait);
        page.FindAll("[data-testid=lead-explain]").Should().BeEmpty();

        page.Find("[data-testid=lead-why]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=lead-explain]"), Wait);
        var panel = page.Find("[data-testid=lead-explain]");
        panel.QuerySelector("[data-testid=explain-summary]")!.TextContent.Should().Be("The sequence is a draft: nothing runs until it is started.");
        panel.QuerySelectorAll("[data-testid=explain-blocker]").Select(b => b.TextContent).Should().Equal(expected!.Blockers.Select(b => b.Sentence));
        var steps = panel.QuerySelectorAll("[data-testid=explain-step]");
        steps.Select(s => s.GetAttribute("data-status")).Should().Equal("blocked", "upcoming");
        steps.Select(s => s.QuerySelector("[data-testid=explain-step-sentence]")!.TextContent).Should().Equal(expected.Steps.Select(s => s.Sentence));

        page.Find("[data-testid=lead-explain-close]").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-explain]").Should().BeEmpty(), Wait);
    }

    [Fact]
    public void The_panel_shows_each_reason_sentence_with_its_code_and_keeps_blockers_apart()
    {
        var zone = TimeZoneInfo.Utc;
        var at = new DateTime(2030, 1, 7, 9, 0, 0, DateTimeKind.Utc);
        var sent = Reason(ExplainCode.EmailSent, new SentenceFacts(zone, at, Variant: "A"));
        var paused = Reason(ExplainCode.LeadPaused, new SentenceFacts(zone, at.AddHours(1)));
        var delay = Reason(ExplainCode.Delay, new SentenceFacts(zone, at, at.AddDays(2), "Waits 2 days"));
        var explanation = new Explanation(Guid.NewGuid(), Guid.NewGuid(), "UTC", at.AddHours(2), paused.Sentence, [paused],
        [
            new StepExplanation(Guid.NewGuid(), 1, global::Sequences.Core.Sequences.StepType.Email, "Hello", StepStatus.Done, "Done.", at, at, "A", [sent], []),
            new StepExplanation(Guid.NewGuid(), 2, global::Sequences.Core.Sequences.StepType.Email, "Nudge", StepStatus.Blocked, "Blocked.", at.AddDays(2), at.AddDays(2), null, [paused, delay], []),
        ]);

        var panel = Context.Bunit.Render<ExplainPanel>(p => p.Add(x => x.Explanation, explanation).Add(x => x.SequenceName, "Onboarding"));

        panel.FindAll("[data-testid=explain-blocker]").Select(b => (b.GetAttribute("data-code"), b.TextContent)).Should().Equal(("lead_paused", paused.Sentence));
        panel.FindAll("[data-testid=explain-reason]").Select(r => (r.GetAttribute("data-code"), r.TextContent))
            .Should().Equal(("email_sent", sent.Sentence), ("delay", delay.Sentence));
        sent.Sentence.Should().Be("Email sent (variant A) on Mon 7 Jan 2030 09:00 UTC.");
    }

    private static ExplanationReason Reason(ExplainCode code, SentenceFacts facts) =>
        new(code, ExplanationSentences.For(code, facts), facts.At, facts.Until, []);
}
