using Sequences.Core.Sequences;

namespace Sequences.Tests.Core;

public sealed class StepRouteTests
{
    private static readonly Guid Target = Guid.Parse("6f1c2a4e-9b7d-4c1e-8a3f-2d5e6f7a8b9c");

    public static TheoryData<string?, StepRouteKind, Guid> Valid => new()
    {
        { null, StepRouteKind.Continue, Guid.Empty },
        { "", StepRouteKind.Continue, Guid.Empty },
        { "continue", StepRouteKind.Continue, Guid.Empty },
        { "CONTINUE", StepRouteKind.Continue, Guid.Empty },
        { "stop", StepRouteKind.Stop, Guid.Empty },
        { " Stop ", StepRouteKind.Stop, Guid.Empty },
        { Target.ToString(), StepRouteKind.Jump, Target },
        { Target.ToString("N"), StepRouteKind.Jump, Target },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_continue_stop_and_step_ids(string? value, StepRouteKind kind, Guid stepId)
    {
        StepRoute.TryParse(value, out var route).Should().BeTrue();
        route.Kind.Should().Be(kind);
        route.StepId.Should().Be(stepId);
    }

    [Theory]
    [InlineData("later")]
    [InlineData("step 3")]
    [InlineData("6f1c2a4e-9b7d-4c1e-8a3f")]
    public void Rejects_anything_else(string value) =>
        StepRoute.TryParse(value, out _).Should().BeFalse();

    [Fact]
    public void Writes_the_stored_form()
    {
        StepRoute.Continue.ToString().Should().Be("continue");
        StepRoute.Stop.ToString().Should().Be("stop");
        StepRoute.Jump(Target).ToString().Should().Be("6f1c2a4e-9b7d-4c1e-8a3f-2d5e6f7a8b9c");
    }
}
