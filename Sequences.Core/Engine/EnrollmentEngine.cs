using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

/// <summary>The sequence as the engine runs it: one version's steps in order, and its settings.</summary>
public sealed class SequencePlan
{
    private readonly Dictionary<Guid, SequenceStep> _byId;

    public SequencePlan(Guid sequenceId, IEnumerable<SequenceStep> steps, SequenceSettings settings)
    {
        SequenceId = sequenceId;
        Steps = steps.OrderBy(s => s.StepOrder).ToList();
        Settings = settings;
        _byId = Steps.ToDictionary(s => s.Id);
    }

    public Guid SequenceId { get; }
    public IReadOnlyList<SequenceStep> Steps { get; }
    public SequenceSettings Settings { get; }

    public SequenceStep? Find(Guid? id) => id is { } value && _byId.TryGetValue(value, out var step) ? step : null;

    public SequenceStep? After(SequenceStep step) => Steps.FirstOrDefault(s => s.StepOrder > step.StepOrder);
}

/// <summary>Where one enrollment stands; the engine moves it, the caller stores it.</summary>
public sealed class EnrollmentCursor
{
    public Guid? CurrentStepId { get; set; }
    public int CurrentStepOrder { get; set; }
    public DateTime? NextActionAt { get; set; }
    public bool Finished { get; set; }
    public bool Stopped { get; set; }
    public string? StoppedReason { get; set; }
}

/// <param name="Holidays">The lead's country's calendar; the engine applies it only when the sequence skips holidays.</param>
public sealed record EngineContext(DateTime Now, TimeZoneInfo Zone, Guid LeadId, IReadOnlyList<EngagementFact> Facts, HolidayCalendar? Holidays = null);

/// <summary>What the caller must do next for an enrollment.</summary>
public abstract record EngineAction;

/// <summary>Send this email step (with this A/B variant), then call <see cref="EnrollmentEngine.StepDone"/>.</summary>
public sealed record SendEmail(SequenceStep Step, SequenceStepVariant? Variant) : EngineAction;

/// <summary>Run this action step, then call <see cref="EnrollmentEngine.StepDone"/>.</summary>
public sealed record RunAction(SequenceStep Step) : EngineAction;

/// <summary>Nothing to do until <see cref="Until"/>.</summary>
public sealed record Wait(DateTime Until, IReadOnlyList<WaitReason> Reasons) : EngineAction;

/// <summary>The enrollment is over: completed, or stopped with a reason.</summary>
public sealed record Finish(bool Stopped, string? Reason) : EngineAction;

/// <summary>One line of the execution log the engine wants written.</summary>
public sealed record EngineLogEntry(string ActionType, Guid? StepId, int? StepOrder, DateTime At, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The engine's rules as pure functions over an enrollment cursor (DESIGN §3): waits, the send window
/// for an overdue email, conditions and routing, delays. Sending and actions are the caller's I/O.</summary>
public static class EnrollmentEngine
{
    private const int MaxInternalSteps = 1000;

    /// <summary>Puts a new enrollment on the first step, due after the first step's wait from <paramref name="from"/>.</summary>
    public static EngineAction Enroll(EnrollmentCursor cursor, SequencePlan plan, EngineContext context, DateTime from, List<EngineLogEntry> log)
    {
        var first = plan.Steps.FirstOrDefault();
        return first is null ? Complete(cursor) : MoveTo(cursor, plan, first, from, context, log);
    }

    /// <summary>Decides what the current step needs at <c>context.Now</c>. Delays and conditions are resolved here
    /// (and logged); sends and actions are handed back to the caller.</summary>
    public static EngineAction Next(EnrollmentCursor cursor, SequencePlan plan, EngineContext context, List<EngineLogEntry> log)
    {
        for (var guard = 0; guard < MaxInternalSteps; guard++)
        {
            if (cursor.Finished) return new Finish(cursor.Stopped, cursor.StoppedReason);
            var step = plan.Find(cursor.CurrentStepId);
            if (step is null) return Complete(cursor);
            if (cursor.NextActionAt is { } due && due > context.Now) return new Wait(due, []);

            switch (step.StepType)
            {
                case StepType.Email:
                    // Overdue (a paused sequence resumed, a slow queue): still only inside the window.
                    var window = Schedule.WindowCheck(context.Now, context.Zone, plan.Settings, Holidays(plan, context));
                    if (window.DueAt > context.Now)
                    {
                        cursor.NextActionAt = window.DueAt;
                        log.Add(Entry("send_deferred", step, context.Now, ("until", Iso(window.DueAt)), ("reason", Reasons(window.Reasons))));
                        return new Wait(window.DueAt, window.Reasons);
                    }
                    return new SendEmail(step, VariantPicker.Pick(step.Variants, context.LeadId, step.Id, step.Winner?.Variant));

                case StepType.Action:
                    return new RunAction(step);

                case StepType.Delay:
                    log.Add(Entry("delay_completed", step, context.Now));
                    var afterDelay = Advance(cursor, plan, step, context.Now, context, log);
                    if (afterDelay is not null) return afterDelay;
                    break;

                case StepType.Condition:
                    var outcome = ConditionEvaluator.Evaluate(step, context.Facts, context.Now);
                    log.Add(Entry("condition_evaluated", step, context.Now,
                        ("result", outcome.Result ? "true" : "false"), ("route", outcome.Route.ToString()), ("why", outcome.Explanation)));
                    var routed = Route(cursor, plan, step, outcome, context, log);
                    if (routed is not null) return routed;
                    break;
            }
        }
        throw new InvalidOperationException("The sequence routes in a loop; the validator should have refused it.");
    }

    /// <summary>The current step finished at <paramref name="finishedAt"/> (email sent, action run, or a failed send skipped):
    /// move to the next step by order, its wait counting from then.</summary>
    public static EngineAction StepDone(EnrollmentCursor cursor, SequencePlan plan, EngineContext context, DateTime finishedAt, List<EngineLogEntry> log)
    {
        var step = plan.Find(cursor.CurrentStepId) ?? throw new InvalidOperationException("No current step to finish.");
        return Advance(cursor, plan, step, finishedAt, context, log) ?? new Wait(cursor.NextActionAt!.Value, []);
    }

    /// <summary>Skips the current step by hand: the next one's wait counts from now.</summary>
    public static EngineAction Skip(EnrollmentCursor cursor, SequencePlan plan, EngineContext context, List<EngineLogEntry> log)
    {
        var step = plan.Find(cursor.CurrentStepId);
        if (step is null) return Complete(cursor);
        log.Add(Entry("step_skipped", step, context.Now));
        return Advance(cursor, plan, step, context.Now, context, log) ?? new Wait(cursor.NextActionAt!.Value, []);
    }

    /// <summary>The lead's time zone or country was corrected: a scheduled email moves into the send window as it now
    /// falls, counted from the time it was due (never earlier: the wait that led to it is not known any more). Other
    /// steps, and an email already due, are left to the next pass, which checks the window when it runs them.</summary>
    /// <returns>Whether the enrollment's next action moved.</returns>
    public static bool Rezone(EnrollmentCursor cursor, SequencePlan plan, EngineContext context, List<EngineLogEntry> log)
    {
        if (cursor.Finished || cursor.NextActionAt is not { } due || due <= context.Now) return false;
        var step = plan.Find(cursor.CurrentStepId);
        if (step is not { StepType: StepType.Email }) return false;
        var window = Schedule.WindowCheck(due, context.Zone, plan.Settings, Holidays(plan, context));
        if (window.DueAt <= due) return false;
        cursor.NextActionAt = window.DueAt;
        // Logged as the deferral the pass would have made at the due time, so the log and "Why?" read it the same way.
        log.Add(Entry("send_deferred", step, context.Now, ("until", Iso(window.DueAt)), ("reason", Reasons(window.Reasons)),
            ("reason_code", window.Reasons.FirstOrDefault()?.Code ?? ""), ("cause", "the lead's time zone or country changed")));
        return true;
    }

    public static EngineAction Stop(EnrollmentCursor cursor, string reason)
    {
        cursor.Finished = true;
        cursor.Stopped = true;
        cursor.StoppedReason = reason;
        cursor.NextActionAt = null;
        return new Finish(true, reason);
    }

    private static EngineAction? Route(EnrollmentCursor cursor, SequencePlan plan, SequenceStep condition, ConditionOutcome outcome, EngineContext context, List<EngineLogEntry> log)
    {
        switch (outcome.Route.Kind)
        {
            case StepRouteKind.Stop:
                // DESIGN: "stop" completes the enrollment, with the condition type as the reason.
                cursor.Finished = true;
                cursor.StoppedReason = Snake(condition.ConditionType!.Value.ToString());
                cursor.NextActionAt = null;
                return new Finish(false, cursor.StoppedReason);
            case StepRouteKind.Jump:
                var target = plan.Find(outcome.Route.StepId);
                if (target is null)
                {
                    log.Add(Entry("route_missing", condition, context.Now, ("target", outcome.Route.StepId.ToString())));
                    return Advance(cursor, plan, condition, context.Now, context, log);
                }
                if (target.StepOrder <= condition.StepOrder)
                    throw new InvalidOperationException("A route goes back to an earlier step; the validator should have refused it.");
                return MoveTo(cursor, plan, target, context.Now, context, log);
            default:
                return Advance(cursor, plan, condition, context.Now, context, log);
        }
    }

    /// <summary>Moves to the step after <paramref name="step"/>; null means "keep going now" (the next step is already due).</summary>
    private static EngineAction? Advance(EnrollmentCursor cursor, SequencePlan plan, SequenceStep step, DateTime from, EngineContext context, List<EngineLogEntry> log)
    {
        var next = plan.After(step);
        if (next is null) return Complete(cursor);
        var moved = MoveTo(cursor, plan, next, from, context, log);
        return moved is Wait wait && wait.Until <= context.Now ? null : moved;
    }

    private static EngineAction MoveTo(EnrollmentCursor cursor, SequencePlan plan, SequenceStep step, DateTime from, EngineContext context, List<EngineLogEntry> log)
    {
        var schedule = Schedule.Plan(step, from, context.Zone, plan.Settings, Holidays(plan, context));
        cursor.CurrentStepId = step.Id;
        cursor.CurrentStepOrder = step.StepOrder;
        cursor.NextActionAt = schedule.DueAt;
        if (schedule.DueAt > context.Now || step.StepType == StepType.Delay)
            log.Add(Entry(step.StepType == StepType.Delay ? "delay_started" : "step_scheduled", step, from,
                ("due_at", Iso(schedule.DueAt)), ("reason", Reasons(schedule.Reasons))));
        return new Wait(schedule.DueAt, schedule.Reasons);
    }

    private static HolidayCalendar? Holidays(SequencePlan plan, EngineContext context) =>
        plan.Settings.SkipHolidays ? context.Holidays : null;

    private static Finish Complete(EnrollmentCursor cursor)
    {
        cursor.Finished = true;
        cursor.NextActionAt = null;
        return new Finish(false, null);
    }

    private static EngineLogEntry Entry(string type, SequenceStep step, DateTime at, params (string Key, string Value)[] metadata) =>
        new(type, step.Id, step.StepOrder, at, metadata.Where(m => !string.IsNullOrEmpty(m.Value)).ToDictionary(m => m.Key, m => m.Value));

    private static string Reasons(IReadOnlyList<WaitReason> reasons) => string.Join("; ", reasons.Select(r => r.Message));

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private static string Snake(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
