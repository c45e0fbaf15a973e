using Sequences.Core.Sequences;
using Sequences.Core.Tracking;

namespace Sequences.Core.Engine;

public sealed record ConditionOutcome(bool Result, StepRoute Route, Guid? EmailStepId, string Explanation);

/// <summary>Evaluates a condition once, when it is due; it never waits (DESIGN §3 "Conditions and routing").</summary>
public static class ConditionEvaluator
{
    public static ConditionOutcome Evaluate(SequenceStep condition, IReadOnlyList<EngagementFact> facts, DateTime now)
    {
        var type = condition.ConditionType ?? throw new InvalidOperationException($"Step {condition.Id} has no condition type.");
        var value = condition.ConditionValue ?? new ConditionValue();
        var since = value.WithinDays is { } days ? now.AddDays(-days) : DateTime.MinValue;
        bool InWindow(EngagementFact f) => f.OccurredAt > since && f.OccurredAt <= now;

        var emailStep = value.EmailStepId ?? facts.Where(f => f.Type == EngagementType.Sent && f.OccurredAt <= now && f.StepId is not null)
            .OrderBy(f => f.OccurredAt).LastOrDefault()?.StepId;

        bool result;
        string why;
        if (emailStep is null)
        {
            result = false;
            why = "no email was sent in this enrollment";
        }
        else
        {
            var about = facts.Where(InWindow).ToList();
            // A reply is about the person: one not matched to an email still counts. Opens and clicks belong to the email.
            var replied = about.Any(f => f.Type == EngagementType.Replied && (f.StepId is null || f.StepId == emailStep));
            var clicked = about.Any(f => f.Type == EngagementType.Clicked && f.StepId == emailStep);
            var opened = clicked || about.Any(f => f.Type == EngagementType.Opened && f.StepId == emailStep);
            (result, why) = type switch
            {
                ConditionType.IfOpened => (opened, opened ? "the email was opened" : "the email was not opened"),
                ConditionType.IfClicked => (clicked, clicked ? "a link was clicked" : "no link was clicked"),
                ConditionType.IfReplied => (replied, replied ? "the lead replied" : "the lead did not reply"),
                ConditionType.IfNotReplied => (!replied, replied ? "the lead replied" : "the lead did not reply"),
                _ => throw new InvalidOperationException($"Unknown condition type {type}."),
            };
            if (value.WithinDays is { } d) why += $" within {d} days";
        }

        return new ConditionOutcome(result, RouteFor(type, value, result), emailStep, why);
    }

    /// <summary>A missing route continues, except: if_replied true and if_not_replied false stop. skip_to is the seed's on_false.</summary>
    public static StepRoute RouteFor(ConditionType type, ConditionValue value, bool result)
    {
        var configured = result ? value.OnTrue : value.OnFalse ?? value.SkipTo?.ToString();
        if (configured is not null && StepRoute.TryParse(configured, out var route)) return route;
        return (type, result) switch
        {
            (ConditionType.IfReplied, true) => StepRoute.Stop,
            (ConditionType.IfNotReplied, false) => StepRoute.Stop,
            _ => StepRoute.Continue,
        };
    }
}
