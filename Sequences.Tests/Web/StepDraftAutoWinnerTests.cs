using Sequences.Core.Sequences;
using Sequences.Web.Components.Pages.Sequences.Builder;

namespace Sequences.Tests.Web;

/// <summary>Saving from the builder keeps an auto-winner rule (set in its editor or through the API).</summary>
public sealed class StepDraftAutoWinnerTests
{
    private static readonly AutoWinnerSettings Rule = new() { Metric = AbMetric.Click, MinSendsPerVariant = 50, Confidence = 0.9 };

    private static StepInput Input(params string[] variants) => new()
    {
        Id = Guid.NewGuid(), StepType = StepType.Email, AutoWinner = Rule,
        Variants = variants.Select(v => new VariantInput(v, "s", null, "t", 1)).ToList(),
    };

    [Fact]
    public void Saving_from_the_builder_keeps_the_auto_winner_rule()
    {
        StepDraft.From(Input("A", "B"), saved: true).ToInput().AutoWinner.Should().Be(Rule);
    }

    [Fact]
    public void Removing_a_variant_in_the_builder_drops_the_rule_instead_of_blocking_the_save()
    {
        var draft = StepDraft.From(Input("A", "B"), saved: true);
        draft.Variants.RemoveAt(1);

        draft.ToInput().AutoWinner.Should().BeNull();
    }
}
