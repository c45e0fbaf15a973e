using Sequences.Core.Sequences;

namespace Sequences.Tests.Core.Sequences;

/// <summary>What publishing a draft does with the leads in flight, as pure rules.</summary>
public sealed class VersionMigrationTests
{
    // v1: email 1, delay 2, email 3. v2 (draft): copies of 1 and 3 (step 2 deleted), and a new email at the end.
    private static readonly SequenceStep V1Email = Step(1, 1, StepType.Email);
    private static readonly SequenceStep V1Delay = Step(1, 2, StepType.Delay);
    private static readonly SequenceStep V1Last = Step(1, 3, StepType.Email);
    private static readonly SequenceStep V2Email = Step(2, 1, StepType.Email, V1Email.Id);
    private static readonly SequenceStep V2Last = Step(2, 2, StepType.Email, V1Last.Id);
    private static readonly SequenceStep V2New = Step(2, 3, StepType.Email);
    private static readonly SequenceStep[] Old = [V1Email, V1Delay, V1Last];
    private static readonly SequenceStep[] Draft = [V2Email, V2Last, V2New];

    [Fact]
    public void Leads_move_by_default_to_the_copy_of_their_step()
    {
        var (rows, issues) = VersionMigration.Plan(Old, 1, Draft, [new InFlightGroup(1, V1Email.Id, 4)], null);

        issues.Should().BeEmpty();
        rows.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            FromVersion = 1, FromStepId = V1Email.Id, FromStepOrder = 1, Leads = 4, ToStepId = (Guid?)V2Email.Id, ToStepOrder = (int?)1, Chosen = false,
        });
    }

    [Fact]
    public void Leads_at_a_deleted_step_move_to_the_copy_of_the_next_step_that_survived()
    {
        var (rows, _) = VersionMigration.Plan(Old, 1, Draft, [new InFlightGroup(1, V1Delay.Id, 2)], null);

        rows.Single().ToStepId.Should().Be(V2Last.Id);
    }

    [Fact]
    public void Leads_at_a_deleted_last_step_drain_on_their_version()
    {
        var draft = new[] { V2Email };
        var (rows, _) = VersionMigration.Plan(Old, 1, draft, [new InFlightGroup(1, V1Last.Id, 3)], null);

        rows.Single().Drains.Should().BeTrue();
        rows.Single().Leads.Should().Be(3);
    }

    [Fact]
    public void Leads_already_draining_on_an_older_version_keep_draining_unless_mapped()
    {
        var v2Live = new[] { Step(2, 1, StepType.Email, V1Email.Id) };
        var v3 = new[] { Step(3, 1, StepType.Email, v2Live[0].Id) };
        var old = Old.Concat(v2Live).ToList();
        var groups = new[] { new InFlightGroup(1, V1Email.Id, 1), new InFlightGroup(2, v2Live[0].Id, 5) };

        var (byDefault, _) = VersionMigration.Plan(old, 2, v3, groups, null);
        byDefault.Select(r => (r.FromVersion, r.Drains)).Should().Equal((1, true), (2, false));

        var (mapped, _) = VersionMigration.Plan(old, 2, v3, groups, new Dictionary<string, string> { [V1Email.Id.ToString()] = v3[0].Id.ToString() });
        mapped[0].Should().BeEquivalentTo(new { FromVersion = 1, ToStepId = (Guid?)v3[0].Id, Chosen = true });
    }

    [Fact]
    public void A_chosen_mapping_overrides_the_default_and_drain_keeps_leads_on_the_old_version()
    {
        var mapping = new Dictionary<string, string>
        {
            [V1Email.Id.ToString()] = V2New.Id.ToString(),
            [V1Last.Id.ToString()] = "drain",
        };
        var (rows, issues) = VersionMigration.Plan(Old, 1, Draft,
            [new InFlightGroup(1, V1Email.Id, 1), new InFlightGroup(1, V1Last.Id, 2)], mapping);

        issues.Should().BeEmpty();
        rows.Select(r => (r.FromStepOrder, r.ToStepOrder, r.Chosen)).Should().Equal((1, 3, true), (3, null, true));
    }

    [Fact]
    public void A_mapping_from_an_unknown_step_or_to_a_step_outside_the_draft_is_reported_per_entry()
    {
        var stranger = Guid.NewGuid();
        var mapping = new Dictionary<string, string>
        {
            [stranger.ToString()] = V2Email.Id.ToString(),
            [V1Email.Id.ToString()] = V1Last.Id.ToString(),
            ["not-a-guid"] = "drain",
        };
        var (_, issues) = VersionMigration.Plan(Old, 1, Draft, [], mapping);

        issues.Select(i => (i.Field, i.Code)).Should().BeEquivalentTo(new[]
        {
            ($"mapping.{stranger}", "unknown_step"),
            ($"mapping.{V1Email.Id}", "unknown_target"),
            ("mapping.not-a-guid", "unknown_step"),
        });
    }

    [Fact]
    public void Steps_without_leads_are_not_listed()
    {
        var (rows, _) = VersionMigration.Plan(Old, 1, Draft, [], null);

        rows.Should().BeEmpty();
    }

    private static SequenceStep Step(int version, int order, StepType type, Guid? source = null) =>
        new() { Id = Guid.NewGuid(), Version = version, StepOrder = order, StepType = type, SourceStepId = source, Name = $"v{version} #{order}" };
}
