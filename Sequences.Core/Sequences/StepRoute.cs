namespace Sequences.Core.Sequences;

public enum StepRouteKind { Continue, Stop, Jump }

/// <summary>Where a condition sends the lead: <c>"continue"</c>, <c>"stop"</c> or a step id.</summary>
public readonly record struct StepRoute(StepRouteKind Kind, Guid StepId)
{
    public static StepRoute Continue { get; } = new(StepRouteKind.Continue, Guid.Empty);

    public static StepRoute Stop { get; } = new(StepRouteKind.Stop, Guid.Empty);

    public static StepRoute Jump(Guid stepId) => new(StepRouteKind.Jump, stepId);

    /// <summary>
    /// Null or blank is <see cref="Continue"/>: a missing route continues. The per-condition defaults
    /// (if_replied true stops, ...) are the engine's to apply before asking here.
    /// </summary>
    public static bool TryParse(string? value, out StepRoute route)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Equals("continue", StringComparison.OrdinalIgnoreCase))
        {
            route = Continue;
            return true;
        }
        if (text.Equals("stop", StringComparison.OrdinalIgnoreCase))
        {
            route = Stop;
            return true;
        }
        if (Guid.TryParse(text, out var id))
        {
            route = Jump(id);
            return true;
        }
        route = Continue;
        return false;
    }

    /// <summary>The stored form: "continue", "stop" or the step id.</summary>
    public override string ToString() => Kind switch
    {
        StepRouteKind.Stop => "stop",
        StepRouteKind.Jump => StepId.ToString(),
        _ => "continue",
    };
}
