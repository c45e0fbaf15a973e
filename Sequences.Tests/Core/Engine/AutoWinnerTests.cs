using Sequences.Core.Engine;
using Sequences.Core.Sequences;

namespace Sequences.Tests.Core.Engine;

/// <summary>A/B auto-winner: the two-proportion test, the minimum sends, and the winner taking every new lead.</summary>
public sealed class AutoWinnerTests
{
    private static readonly DateTime Now = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
    private static readonly AutoWinnerSettings Replies = new() { Metric = AbMetric.Reply, MinSendsPerVariant = 100, Confidence = 0.95 };

    [Theory]
    [InlineData(200, 1000, 150, 1000, 2.9424, 0.00326)]
    [InlineData(30, 100, 10, 100, 3.5355, 0.00041)]
    [InlineData(12, 100, 10, 100, 0.4520, 0.65128)]
    [InlineData(10, 100, 10, 100, 0, 1)]
    public void The_two_proportion_z_test_matches_known_values(int s1, int n1, int s2, int n2, double z, double p)
    {
        AbTest.TwoProportionZ(s1, n1, s2, n2).Should().BeApproximately(z, 0.0005);
        AbTest.TwoProportionPValue(s1, n1, s2, n2).Should().BeApproximately(p, 0.00002);
    }

    [Fact]
    public void Decides_for_the_significantly_better_variant_with_its_numbers()
    {
        var decision = AbTest.Decide([new("A", 1000, 150), new("B", 1000, 200)], Replies, Now);

        decision.Should().NotBeNull();
        decision!.Variant.Should().Be("B");
        decision.PValue.Should().BeApproximately(0.00326, 0.00002);
        decision.DecidedAt.Should().Be(Now);
        decision.Rates.Should().Equal(new VariantRate("A", 1000, 150, 0.15), new VariantRate("B", 1000, 200, 0.2));
    }

    [Fact]
    public void Never_decides_before_every_variant_has_the_minimum_sends()
    {
        // B is far ahead, but A has one send short of the minimum.
        AbTest.Decide([new("A", 99, 0), new("B", 500, 250)], Replies, Now).Should().BeNull();
        AbTest.Decide([new("A", 100, 0), new("B", 500, 250)], Replies, Now)!.Variant.Should().Be("B");
    }

    [Fact]
    public void Does_not_decide_on_a_difference_that_is_not_significant_or_a_tie()
    {
        AbTest.Decide([new("A", 100, 12), new("B", 100, 10)], Replies, Now).Should().BeNull();
        AbTest.Decide([new("A", 100, 10), new("B", 100, 10)], Replies, Now).Should().BeNull();
        AbTest.Decide([new("A", 1000, 0), new("B", 1000, 0)], Replies, Now).Should().BeNull();
    }

    [Fact]
    public void With_three_variants_the_best_must_beat_the_runner_up()
    {
        // C beats A clearly but not B: no decision yet.
        AbTest.Decide([new("A", 1000, 50), new("B", 1000, 190), new("C", 1000, 200)], Replies, Now).Should().BeNull();
        AbTest.Decide([new("A", 1000, 50), new("B", 1000, 60), new("C", 1000, 200)], Replies, Now)!.Variant.Should().Be("C");
    }

    [Fact]
    public void A_seeded_simulation_where_B_replies_more_decides_B_and_then_sends_only_B()
    {
        var step = new SequenceStep
        {
            Id = Guid.Parse("5f1c1a52-7d2e-4a57-9d55-0b7f3a1c2e01"), StepOrder = 1, StepType = StepType.Email,
            Variants = [new() { Variant = "A" }, new() { Variant = "B" }],
            AutoWinner = new AutoWinnerSettings { Metric = AbMetric.Reply, MinSendsPerVariant = 200, Confidence = 0.95 },
        };
        var plan = new SequencePlan(Guid.NewGuid(), [step], new SequenceSettings { BusinessDaysOnly = false, SendWindow = new("00:00", "24:00") });
        var replyRate = new Dictionary<string, double> { ["A"] = 0.05, ["B"] = 0.15 };
        var random = new Random(20260302);
        var counts = new Dictionary<string, (int Sends, int Replies)> { ["A"] = (0, 0), ["B"] = (0, 0) };
        var afterDecision = new List<string>();

        for (var lead = 0; lead < 3000; lead++)
        {
            // Every 50 leads is a pass: the test runs once per step per pass, never per lead.
            if (lead % 50 == 0 && step.Winner is null)
            {
                step.Winner = AbTest.Decide(counts.Select(c => new VariantCount(c.Key, c.Value.Sends, c.Value.Replies)).ToList(), step.AutoWinner, Now);
            }
            var cursor = new EnrollmentCursor { CurrentStepId = step.Id, CurrentStepOrder = 1, NextActionAt = Now };
            var send = EnrollmentEngine.Next(cursor, plan, new EngineContext(Now, TimeZoneInfo.Utc, LeadId(lead), []), []);
            var variant = send.Should().BeOfType<SendEmail>().Which.Variant!.Variant;
            if (step.Winner is not null) afterDecision.Add(variant);
            var (sends, replies) = counts[variant];
            counts[variant] = (sends + 1, replies + (random.NextDouble() < replyRate[variant] ? 1 : 0));
        }

        step.Winner.Should().NotBeNull();
        step.Winner!.Variant.Should().Be("B");
        step.Winner.Rates.Should().OnlyContain(r => r.Sends >= 200);
        step.Winner.PValue.Should().BeLessThan(0.05);
        afterDecision.Should().NotBeEmpty().And.OnlyContain(v => v == "B");
    }

    /// <summary>Fixed, distinct lead ids: the split must be the same on every run.</summary>
    private static Guid LeadId(int i) => new(i + 1, 0x4a1b, 0x7c2d, [0x9e, 0x3f, 0x50, 0x61, 0x72, 0x83, 0x94, 0xa5]);

    [Fact]
    public void An_edit_keeps_the_decision_unless_the_rule_or_the_winning_variant_is_removed()
    {
        var decision = AbTest.Decide([new("A", 1000, 150), new("B", 1000, 200)], Replies, Now)!;
        StepInput Input(AutoWinnerSettings? rule, params string[] variants) => new()
        {
            StepType = StepType.Email, AutoWinner = rule, Variants = variants.Select(v => new VariantInput(v, "s", null, "t", 1)).ToList(),
        };
        SequenceStep Decided() => new() { StepType = StepType.Email, Winner = decision };

        var kept = Decided();
        StepMapper.Apply(kept, Input(Replies, "A", "B"));
        kept.Winner.Should().Be(decision);

        var noRule = Decided();
        StepMapper.Apply(noRule, Input(null, "A", "B"));
        noRule.Winner.Should().BeNull();

        var renamed = Decided();
        StepMapper.Apply(renamed, Input(Replies, "A", "C"));
        renamed.Winner.Should().BeNull();
    }

    [Fact]
    public void The_auto_winner_rule_is_validated_on_write()
    {
        StepInput Email(AutoWinnerSettings rule, params string[] variants) => new()
        {
            StepType = StepType.Email, AutoWinner = rule,
            Variants = variants.Select(v => new VariantInput(v, "s", null, "t", 1)).ToList(),
        };
        StepShapeValidator.ValidateStep(Email(new AutoWinnerSettings(), "A", "B"), new HashSet<Guid>()).Should().BeEmpty();
        StepShapeValidator.ValidateStep(Email(new AutoWinnerSettings(), "A"), new HashSet<Guid>())
            .Select(i => (i.Field, i.Code)).Should().Equal(("auto_winner", "needs_variants"));
        StepShapeValidator.ValidateStep(Email(new AutoWinnerSettings { Metric = null, MinSendsPerVariant = 0, Confidence = 1.5 }, "A", "B"), new HashSet<Guid>())
            .Select(i => i.Field).Should().BeEquivalentTo("auto_winner.metric", "auto_winner.min_sends_per_variant", "auto_winner.confidence");
    }
}
