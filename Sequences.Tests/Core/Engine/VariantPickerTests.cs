using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Tests.Core.Engine;

public sealed class VariantPickerTests
{
    private static readonly Guid StepId = Guid.Parse("0d9a3c51-7e2b-4f6a-9c84-1b2e3f4a5d6c");

    private static SequenceStepVariant Variant(string name, int weight) => new() { Variant = name, Weight = weight };

    /// <summary>Fixed, distinct lead ids (never Guid.NewGuid: the split must be the same on every run).</summary>
    private static IEnumerable<Guid> Leads(int count) =>
        Enumerable.Range(1, count).Select(i => new Guid(i, 0x4a1b, 0x7c2d, [0x9e, 0x3f, 0x50, 0x61, 0x72, 0x83, 0x94, 0xa5]));

    [Fact]
    public void The_same_lead_and_step_always_get_the_same_variant()
    {
        var variants = new[] { Variant("A", 1), Variant("B", 1), Variant("C", 1) };
        var reordered = variants.Reverse().ToArray();

        foreach (var lead in Leads(50))
        {
            var first = VariantPicker.Pick(variants, lead, StepId);
            VariantPicker.Pick(variants, lead, StepId).Should().BeSameAs(first);
            VariantPicker.Pick(reordered, lead, StepId).Should().BeSameAs(first);
        }
    }

    [Fact]
    public void Leads_split_by_weight()
    {
        var variants = new[] { Variant("A", 70), Variant("B", 30) };

        var picks = Leads(1000).Select(lead => VariantPicker.Pick(variants, lead, StepId)!.Variant).ToList();

        var shareOfA = picks.Count(v => v == "A") / 1000.0;
        shareOfA.Should().BeApproximately(0.70, 0.05);
    }

    [Fact]
    public void Different_steps_assign_independently()
    {
        var variants = new[] { Variant("A", 1), Variant("B", 1) };
        var otherStep = Guid.Parse("5b8e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b");

        Leads(200).Count(lead => VariantPicker.Pick(variants, lead, StepId) != VariantPicker.Pick(variants, lead, otherStep))
            .Should().BeInRange(60, 140);
    }

    [Fact]
    public void A_weight_of_zero_is_never_picked()
    {
        var variants = new[] { Variant("A", 1), Variant("B", 0), Variant("C", 2) };

        Leads(1000).Select(lead => VariantPicker.Pick(variants, lead, StepId)!.Variant).Should().NotContain("B");
    }

    [Fact]
    public void No_variants_or_no_weight_picks_nothing()
    {
        VariantPicker.Pick([], Guid.Empty, StepId).Should().BeNull();
        VariantPicker.Pick([Variant("A", 0), Variant("B", 0)], Guid.Empty, StepId).Should().BeNull();
    }

    [Fact]
    public void A_single_variant_is_always_picked()
    {
        var only = Variant("A", 5);

        VariantPicker.Pick([only], Leads(1).Single(), StepId).Should().BeSameAs(only);
    }
}
