using Sequences.Core.Sequences;
using Sequences.Core.Tracking;

namespace Sequences.Core.Engine;

/// <summary>A what-if engagement: the lead opens, clicks or replies some hours after a step's email went out.</summary>
public sealed record SimulatedEvent(EngagementType Type, Guid AfterStepId, double AfterHours);

public sealed record TimelineEntry(DateTime At, Guid? StepId, int? StepOrder, StepType? StepType, string Action, string? Variant, string? Reason);

/// <summary>Runs the real engine rules on a virtual clock: every send succeeds at once, nothing is stored or sent.</summary>
public static class Simulator
{
    public const int MaxHorizonDays = 3650;

    public static IReadOnlyList<TimelineEntry> Run(SequencePlan plan, TimeZoneInfo zone, DateTime startAt, IReadOnlyList<SimulatedEvent> events, int horizonDays, Guid? leadId = null, string? country = null)
    {
        var lead = leadId ?? Guid.NewGuid();
        var horizon = startAt.AddDays(horizonDays);
        var facts = new List<EngagementFact>();
        var timeline = new List<TimelineEntry>();
        var cursor = new EnrollmentCursor();
        var log = new List<EngineLogEntry>();
        var now = startAt;
        var holidays = HolidayCalendar.For(country);

        EngineContext Context() => new(now, zone, lead, facts, holidays);

        // As the engagement recorder does: a reply stops the enrollment when it arrives, not at the next step.
        DateTime? StopsAt() => plan.Settings.StopOnReply
            ? facts.Where(f => f.Type == EngagementType.Replied).Select(f => (DateTime?)f.OccurredAt).Min()
            : null;

        var action = EnrollmentEngine.Enroll(cursor, plan, Context(), startAt, log);
        for (var guard = 0; guard < 10_000; guard++)
        {
            if (action is Wait wait && wait.Until > now)
            {
                if (StopsAt() is { } replied && replied <= wait.Until && replied <= horizon)
                {
                    Flush(log, plan, timeline);
                    timeline.Add(new TimelineEntry(replied, cursor.CurrentStepId, cursor.CurrentStepOrder, plan.Find(cursor.CurrentStepId)?.StepType,
                        "stopped", null, "replied"));
                    return timeline;
                }
                if (wait.Until > horizon)
                {
                    Flush(log, plan, timeline);
                    timeline.Add(new TimelineEntry(wait.Until, cursor.CurrentStepId, cursor.CurrentStepOrder, plan.Find(cursor.CurrentStepId)?.StepType,
                        "beyond_horizon", null, $"Next step is due after the {horizonDays}-day horizon"));
                    return timeline;
                }
                now = wait.Until;
            }
            action = EnrollmentEngine.Next(cursor, plan, Context(), log);
            Flush(log, plan, timeline);
            switch (action)
            {
                case SendEmail send:
                    timeline.Add(new TimelineEntry(now, send.Step.Id, send.Step.StepOrder, StepType.Email, "email_sent", send.Variant?.Variant, null));
                    facts.Add(new EngagementFact(EngagementType.Sent, send.Step.Id, now));
                    foreach (var e in events.Where(e => e.AfterStepId == send.Step.Id))
                        facts.Add(new EngagementFact(e.Type, send.Step.Id, now.AddHours(e.AfterHours)));
                    EnrollmentEngine.StepDone(cursor, plan, Context(), now, log);
                    action = new Wait(now, []);
                    break;
                case RunAction run:
                    timeline.Add(new TimelineEntry(now, run.Step.Id, run.Step.StepOrder, StepType.Action, "action_run", null, Snake(run.Step.ActionType?.ToString())));
                    EnrollmentEngine.StepDone(cursor, plan, Context(), now, log);
                    action = new Wait(now, []);
                    break;
                case Finish finish:
                    Flush(log, plan, timeline);
                    timeline.Add(new TimelineEntry(now, null, null, null, finish.Stopped ? "stopped" : "completed", null, finish.Reason));
                    return timeline;
            }
            Flush(log, plan, timeline);
        }
        throw new InvalidOperationException("The simulation did not finish.");
    }

    private static void Flush(List<EngineLogEntry> log, SequencePlan plan, List<TimelineEntry> timeline)
    {
        foreach (var entry in log)
        {
            var step = plan.Find(entry.StepId);
            var reason = entry.Metadata.TryGetValue("reason", out var r) ? r : entry.Metadata.TryGetValue("why", out var w) ? w : null;
            if (entry.Metadata.TryGetValue("route", out var route) && entry.ActionType == "condition_evaluated")
                reason = $"{reason} -> {RouteText(route, plan)}";
            timeline.Add(new TimelineEntry(entry.At, entry.StepId, entry.StepOrder, step?.StepType, entry.ActionType, null, reason));
        }
        log.Clear();
    }

    /// <summary>A jump as a person reads it ("step 5 (Non-openers)"), not the step id the log keeps.</summary>
    private static string RouteText(string route, SequencePlan plan) =>
        Guid.TryParse(route, out var id) && plan.Find(id) is { } target
            ? $"step {target.StepOrder}" + (string.IsNullOrWhiteSpace(target.Name) ? "" : $" ({target.Name})")
            : route;

    private static string? Snake(string? name) => name is null ? null : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
