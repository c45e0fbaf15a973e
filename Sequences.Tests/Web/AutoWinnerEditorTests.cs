using AngleSharp.Dom;
using Bunit;
using MudBlazor.Services;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Web.Components.Pages.Sequences.Builder;

namespace Sequences.Tests.Web;

/// <summary>The A/B auto-winner editor under an email step's variants: shown with two variants, bound to the step's
/// rule, and showing the API's messages for out-of-range values.</summary>
public sealed class AutoWinnerEditorTests : IAsyncLifetime
{
    private readonly BunitContext _bunit = new();
    private int _changes;

    public Task InitializeAsync()
    {
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private static (BuilderDocument Document, StepDraft Step) EmailWith(params string[] variants)
    {
        var document = new BuilderDocument { Name = "A/B" };
        var step = document.Insert(0, new StepDraft { StepType = StepType.Email, SubjectLine = "Hi", BodyHtml = "<p>Hi</p>" });
        step.Variants.AddRange(variants.Select(v => new VariantDraft { Variant = v, SubjectLine = $"Hi {v}" }));
        return (document, step);
    }

    private IRenderedComponent<AutoWinnerEditor> Render(StepDraft step, IReadOnlyList<ValidationIssue>? issues = null) =>
        _bunit.Render<AutoWinnerEditor>(p => p.Add(e => e.Step, step).Add(e => e.Issues, issues ?? []).Add(e => e.Changed, () => _changes++));

    private static IElement Input(IRenderedComponent<AutoWinnerEditor> editor, string testId) => editor.FindInput(testId);

    [Fact]
    public void Is_offered_only_with_two_variants_or_more()
    {
        var (_, one) = EmailWith("A");
        Render(one).FindAll("[data-testid=auto-winner]").Should().BeEmpty();

        var (_, two) = EmailWith("A", "B");
        Render(two).FindAll("[data-testid=auto-winner]").Should().ContainSingle();
    }

    [Fact]
    public void Turning_it_on_starts_from_the_defaults_and_each_field_binds_to_the_step()
    {
        var (_, step) = EmailWith("A", "B");
        var editor = Render(step);
        editor.FindAll("[data-testid=auto-winner-min-sends]").Should().BeEmpty("the rule's fields show once it is on");

        Input(editor, "auto-winner-enabled").Change(true);
        step.AutoWinner.Should().Be(new AutoWinnerSettings { Metric = AbMetric.Reply, MinSendsPerVariant = 100, Confidence = 0.95 });

        Input(editor, "auto-winner-metric-click").Click();
        Input(editor, "auto-winner-min-sends").Input("250");
        Input(editor, "auto-winner-confidence").Input("0.9");

        step.AutoWinner.Should().Be(new AutoWinnerSettings { Metric = AbMetric.Click, MinSendsPerVariant = 250, Confidence = 0.9 });
        step.ToInput().AutoWinner.Should().Be(step.AutoWinner, "the rule is saved with the step");
        _changes.Should().Be(4);

        Input(editor, "auto-winner-enabled").Change(false);
        step.AutoWinner.Should().BeNull();
        step.ToInput().AutoWinner.Should().BeNull();
    }

    [Fact]
    public void Out_of_range_values_show_the_apis_messages()
    {
        var (document, step) = EmailWith("A", "B");
        step.AutoWinner = new AutoWinnerSettings();
        var editor = Render(step);

        Input(editor, "auto-winner-min-sends").Input("0");
        Input(editor, "auto-winner-confidence").Input("1.5");
        var issues = BuilderValidation.Validate(document, new());
        editor.Render(p => p.Add(e => e.Issues, issues.Where(i => i.StepId == step.Id).ToList()));

        editor.Markup.Should().Contain($"min_sends_per_variant must be from 1 to {AutoWinnerSettings.MaxMinSends}.")
            .And.Contain("confidence must be from 0.5 to 0.999 (e.g. 0.95).");
        var shape = StepShapeValidator.ValidateStep(step.ToInput(), new HashSet<Guid>());
        shape.Select(i => i.Message).Should().Contain(m => editor.Markup.Contains(m), "the editor shows the API's own words");
    }
}
