using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;

namespace Sequences.Tests.Core.Engine;

/// <summary>The engine's rules on a hand-driven clock: what a lead does next, and when.</summary>
public sealed class EnrollmentEngineTests
{
    private static readonly TimeZoneInfo London = Times.Zone("Europe/London");
    private static readonly SequenceSettings AlwaysOpen = new() { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
    private static readonly Guid Lead = Guid.Parse("11111111-1111-1111-1111-111111111111");

    private static SequenceStep Email(int order, int delayDays = 0, string? sendTime = null) =>
        new() { Id = Guid.NewGuid(), StepOrder = order, StepType = StepType.Email, SubjectLine = "s", BodyText = "b", DelayDays = delayDays, SendTime = sendTime };

    private static SequenceStep Condition(int order, ConditionType type, ConditionValue? value = null, int delayDays = 1) =>
        new() { Id = Guid.NewGuid(), StepOrder = order, StepType = StepType.Condition, ConditionType = type, ConditionValue = value, DelayDays = delayDays };

    private static SequenceStep Delay(int order, int days = 0, int hours = 0) =>
        new() { Id = Guid.NewGuid(), StepOrder = order, StepType = StepType.Delay, DelayDays = days, DelayHours = hours };

    private static EngineContext At(DateTime now, List<EngagementFact>? facts = null) => new(now, London, Lead, facts ?? []);

    [Fact]
    public void Enrolling_puts_the_lead_on_step_one_after_its_wait()
    {
        var first = Email(1, delayDays: 2, sendTime: "10:00");
        var plan = new SequencePlan(Guid.NewGuid(), [first, Email(2)], new SequenceSettings());
        var cursor = new EnrollmentCursor();
        var start = Times.Utc("2026-06-01T14:00"); // Monday 15:00 in London (BST)

        var action = EnrollmentEngine.Enroll(cursor, plan, At(start), start, []);

        cursor.CurrentStepId.Should().Be(first.Id);
        cursor.NextActionAt.Should().Be(Times.Utc("2026-06-04T09:00"), "two days later is Wednesday 15:00; the first 10:00 London time after that is Thursday");
        action.Should().BeOfType<Wait>();
    }

    [Fact]
    public void A_new_time_zone_moves_a_scheduled_email_into_its_window_and_leaves_the_rest()
    {
        var email = Email(1);
        var delay = Delay(2, days: 1);
        var plan = new SequencePlan(Guid.NewGuid(), [email, delay, Email(3)], new SequenceSettings()); // 09:00-17:00, weekdays
        var now = Times.Utc("2026-06-01T08:00"); // Monday
        var tokyo = new EngineContext(now, Times.Zone("Asia/Tokyo"), Lead, []);
        var log = new List<EngineLogEntry>();

        // Due at 09:00 in London (08:00 UTC on Tuesday) is 17:00 in Tokyo, the window's end: Wednesday 09:00 there.
        var scheduled = new EnrollmentCursor { CurrentStepId = email.Id, CurrentStepOrder = 1, NextActionAt = Times.Utc("2026-06-02T08:00") };
        EnrollmentEngine.Rezone(scheduled, plan, tokyo, log).Should().BeTrue();
        scheduled.NextActionAt.Should().Be(Times.Utc("2026-06-03T00:00"));
        log.Should().ContainSingle().Which.Metadata.Should().Contain("until", "2026-06-03T00:00:00Z").And.ContainKey("reason_code");

        // Inside the new window already, a delay step, an email already due, a finished enrollment: nothing moves.
        var inside = new EnrollmentCursor { CurrentStepId = email.Id, NextActionAt = Times.Utc("2026-06-02T01:00") }; // 10:00 in Tokyo
        var waiting = new EnrollmentCursor { CurrentStepId = delay.Id, NextActionAt = Times.Utc("2026-06-02T08:00") };
        var due = new EnrollmentCursor { CurrentStepId = email.Id, NextActionAt = now };
        var finished = new EnrollmentCursor { CurrentStepId = email.Id, NextActionAt = Times.Utc("2026-06-02T08:00"), Finished = true };
        foreach (var cursor in new[] { inside, waiting, due, finished })
        {
            var before = cursor.NextActionAt;
            EnrollmentEngine.Rezone(cursor, plan, tokyo, log).Should().BeFalse();
            cursor.NextActionAt.Should().Be(before);
        }
        log.Should().ContainSingle();
    }

    [Fact]
    public void A_due_email_is_sent_then_the_next_steps_wait_counts_from_the_send()
    {
        var one = Email(1);
        var two = Email(2, delayDays: 3);
        var plan = new SequencePlan(Guid.NewGuid(), [one, two], AlwaysOpen);
        var cursor = new EnrollmentCursor();
        var now = Times.Utc("2026-06-01T08:00");
        EnrollmentEngine.Enroll(cursor, plan, At(now), now, []);

        var action = EnrollmentEngine.Next(cursor, plan, At(now), []);
        action.Should().BeOfType<SendEmail>().Which.Step.Should().Be(one);

        var sentAt = now.AddMinutes(1);
        EnrollmentEngine.StepDone(cursor, plan, At(sentAt), sentAt, []);
        cursor.CurrentStepId.Should().Be(two.Id);
        cursor.NextActionAt.Should().Be(sentAt.AddDays(3));
        EnrollmentEngine.Next(cursor, plan, At(sentAt), []).Should().BeOfType<Wait>().Which.Until.Should().Be(sentAt.AddDays(3));

        EnrollmentEngine.Next(cursor, plan, At(sentAt.AddDays(3)), []).Should().BeOfType<SendEmail>();
        EnrollmentEngine.StepDone(cursor, plan, At(sentAt.AddDays(3)), sentAt.AddDays(3), []).Should().BeOfType<Finish>();
        cursor.Finished.Should().BeTrue();
        cursor.Stopped.Should().BeFalse();
    }

    [Fact]
    public void An_overdue_email_outside_the_window_waits_for_the_next_opening()
    {
        var email = Email(1);
        var plan = new SequencePlan(Guid.NewGuid(), [email], new SequenceSettings());
        var cursor = new EnrollmentCursor { CurrentStepId = email.Id, CurrentStepOrder = 1, NextActionAt = Times.Utc("2026-06-05T10:00") };
        var saturday = Times.Utc("2026-06-06T12:00");
        var log = new List<EngineLogEntry>();

        var action = EnrollmentEngine.Next(cursor, plan, At(saturday), log);

        action.Should().BeOfType<Wait>().Which.Until.Should().Be(Times.Utc("2026-06-08T08:00"), "Monday 09:00 in London");
        log.Should().ContainSingle(l => l.ActionType == "send_deferred");
    }

    [Fact]
    public void A_delay_step_only_waits_then_the_sequence_moves_on()
    {
        var delay = Delay(1, hours: 5);
        var email = Email(2);
        var plan = new SequencePlan(Guid.NewGuid(), [delay, email], AlwaysOpen);
        var cursor = new EnrollmentCursor();
        var now = Times.Utc("2026-06-01T08:00");
        var log = new List<EngineLogEntry>();
        EnrollmentEngine.Enroll(cursor, plan, At(now), now, log);

        log.Should().Contain(l => l.ActionType == "delay_started");
        EnrollmentEngine.Next(cursor, plan, At(now.AddHours(4)), log).Should().BeOfType<Wait>();
        EnrollmentEngine.Next(cursor, plan, At(now.AddHours(5)), log).Should().BeOfType<SendEmail>().Which.Step.Should().Be(email);
    }

    public static TheoryData<ConditionType, EngagementType?, bool> Conditions => new()
    {
        { ConditionType.IfOpened, EngagementType.Opened, true },
        { ConditionType.IfOpened, EngagementType.Clicked, true },
        { ConditionType.IfOpened, null, false },
        { ConditionType.IfClicked, EngagementType.Clicked, true },
        { ConditionType.IfClicked, EngagementType.Opened, false },
        { ConditionType.IfReplied, EngagementType.Replied, true },
        { ConditionType.IfReplied, EngagementType.OutOfOffice, false },
        { ConditionType.IfNotReplied, EngagementType.Replied, false },
        { ConditionType.IfNotReplied, null, true },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void A_condition_reads_the_events_of_the_last_email(ConditionType type, EngagementType? happened, bool expected)
    {
        var email = Email(1);
        var condition = Condition(2, type);
        var sentAt = Times.Utc("2026-06-01T08:00");
        var facts = new List<EngagementFact> { new(EngagementType.Sent, email.Id, sentAt) };
        if (happened is { } h) facts.Add(new EngagementFact(h, email.Id, sentAt.AddHours(2)));

        ConditionEvaluator.Evaluate(condition, facts, sentAt.AddDays(1)).Result.Should().Be(expected);
    }

    [Fact]
    public void Within_days_counts_only_recent_events_and_no_email_means_false()
    {
        var email = Email(1);
        var condition = Condition(2, ConditionType.IfOpened, new ConditionValue { WithinDays = 2 });
        var sentAt = Times.Utc("2026-06-01T08:00");
        var facts = new List<EngagementFact> { new(EngagementType.Sent, email.Id, sentAt), new(EngagementType.Opened, email.Id, sentAt.AddHours(1)) };

        ConditionEvaluator.Evaluate(condition, facts, sentAt.AddDays(1)).Result.Should().BeTrue();
        ConditionEvaluator.Evaluate(condition, facts, sentAt.AddDays(3)).Result.Should().BeFalse("the open is older than 2 days");
        ConditionEvaluator.Evaluate(Condition(1, ConditionType.IfNotReplied), [], sentAt).Result.Should().BeFalse("no email was sent");
    }

    [Fact]
    public void Email_step_id_asks_about_that_email_not_the_last()
    {
        var first = Email(1);
        var second = Email(2);
        var sentAt = Times.Utc("2026-06-01T08:00");
        var facts = new List<EngagementFact>
        {
            new(EngagementType.Sent, first.Id, sentAt), new(EngagementType.Opened, first.Id, sentAt.AddHours(1)),
            new(EngagementType.Sent, second.Id, sentAt.AddDays(1)),
        };

        ConditionEvaluator.Evaluate(Condition(3, ConditionType.IfOpened), facts, sentAt.AddDays(2)).Result.Should().BeFalse();
        ConditionEvaluator.Evaluate(Condition(3, ConditionType.IfOpened, new ConditionValue { EmailStepId = first.Id }), facts, sentAt.AddDays(2)).Result.Should().BeTrue();
    }

    public static TheoryData<ConditionType, bool, string?, string?, string> Routes => new()
    {
        { ConditionType.IfOpened, true, null, null, "continue" },
        { ConditionType.IfOpened, false, null, null, "continue" },
        { ConditionType.IfReplied, true, null, null, "stop" },
        { ConditionType.IfReplied, false, null, null, "continue" },
        { ConditionType.IfNotReplied, false, null, null, "stop" },
        { ConditionType.IfNotReplied, true, null, null, "continue" },
        { ConditionType.IfOpened, true, "stop", null, "stop" },
        { ConditionType.IfOpened, false, null, "stop", "stop" },
        { ConditionType.IfReplied, true, "continue", null, "continue" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void Routes_default_by_condition_type(ConditionType type, bool result, string? onTrue, string? onFalse, string expected) =>
        ConditionEvaluator.RouteFor(type, new ConditionValue { OnTrue = onTrue, OnFalse = onFalse }, result).ToString().Should().Be(expected);

    [Fact]
    public void Skip_to_jumps_on_false_and_the_target_waits_from_the_evaluation()
    {
        var email = Email(1);
        var target = Email(4, delayDays: 1);
        var condition = Condition(2, ConditionType.IfOpened, new ConditionValue { SkipTo = target.Id }, delayDays: 2);
        var plan = new SequencePlan(Guid.NewGuid(), [email, condition, Email(3), target], AlwaysOpen);
        var sentAt = Times.Utc("2026-06-01T08:00");
        var cursor = new EnrollmentCursor { CurrentStepId = condition.Id, CurrentStepOrder = 2, NextActionAt = sentAt.AddDays(2) };
        var facts = new List<EngagementFact> { new(EngagementType.Sent, email.Id, sentAt) };
        var log = new List<EngineLogEntry>();

        var action = EnrollmentEngine.Next(cursor, plan, At(sentAt.AddDays(2), facts), log);

        cursor.CurrentStepId.Should().Be(target.Id);
        action.Should().BeOfType<Wait>().Which.Until.Should().Be(sentAt.AddDays(3));
        log.Should().ContainSingle(l => l.ActionType == "condition_evaluated").Which.Metadata["result"].Should().Be("false");
    }

    [Fact]
    public void A_stop_route_completes_with_the_condition_type_as_reason()
    {
        var email = Email(1);
        var condition = Condition(2, ConditionType.IfReplied);
        var plan = new SequencePlan(Guid.NewGuid(), [email, condition, Email(3)], AlwaysOpen);
        var sentAt = Times.Utc("2026-06-01T08:00");
        var cursor = new EnrollmentCursor { CurrentStepId = condition.Id, CurrentStepOrder = 2, NextActionAt = sentAt.AddDays(1) };
        var facts = new List<EngagementFact> { new(EngagementType.Sent, email.Id, sentAt), new(EngagementType.Replied, null, sentAt.AddHours(3)) };

        var action = EnrollmentEngine.Next(cursor, plan, At(sentAt.AddDays(1), facts), []);

        action.Should().BeEquivalentTo(new Finish(false, "if_replied"));
        cursor.Finished.Should().BeTrue();
        cursor.StoppedReason.Should().Be("if_replied");
    }

    [Fact]
    public void Skipping_by_hand_moves_on_and_logs_it()
    {
        var one = Email(1);
        var two = Email(2, delayDays: 1);
        var plan = new SequencePlan(Guid.NewGuid(), [one, two], AlwaysOpen);
        var now = Times.Utc("2026-06-01T08:00");
        var cursor = new EnrollmentCursor { CurrentStepId = one.Id, CurrentStepOrder = 1, NextActionAt = now.AddDays(5) };
        var log = new List<EngineLogEntry>();

        EnrollmentEngine.Skip(cursor, plan, At(now), log);

        cursor.CurrentStepId.Should().Be(two.Id);
        cursor.NextActionAt.Should().Be(now.AddDays(1));
        log.Should().Contain(l => l.ActionType == "step_skipped" && l.StepId == one.Id);
    }

    [Fact]
    public void The_simulator_branches_on_what_if_events()
    {
        var intro = Email(1);
        var check = Condition(2, ConditionType.IfOpened, new ConditionValue { OnFalse = "stop" }, delayDays: 2);
        var followUp = Email(3);
        var plan = new SequencePlan(Guid.NewGuid(), [intro, check, followUp], new SequenceSettings());
        var monday = Times.Utc("2026-06-01T10:00");

        var opener = Simulator.Run(plan, London, monday, [new SimulatedEvent(EngagementType.Opened, intro.Id, 3)], 30);
        var silent = Simulator.Run(plan, London, monday, [], 30);

        opener.Where(e => e.Action == "email_sent").Select(e => e.StepId).Should().Equal(intro.Id, followUp.Id);
        opener.Last().Action.Should().Be("completed");
        silent.Where(e => e.Action == "email_sent").Select(e => e.StepId).Should().Equal(intro.Id);
        silent.Last().Should().Match<TimelineEntry>(e => e.Action == "completed" && e.Reason == "if_opened");
        opener.Single(e => e.StepId == followUp.Id && e.Action == "email_sent").At.Should().Be(Times.Utc("2026-06-03T10:00"));
    }

    [Fact]
    public void The_simulator_names_the_step_a_condition_jumps_to_not_its_id()
    {
        var intro = Email(1);
        var nudge = Email(3, delayDays: 1);
        nudge.Name = "Non-openers";
        var check = Condition(2, ConditionType.IfOpened, new ConditionValue { OnTrue = "stop", OnFalse = nudge.Id.ToString() }, delayDays: 2);
        var plan = new SequencePlan(Guid.NewGuid(), [intro, check, nudge], new SequenceSettings());

        var timeline = Simulator.Run(plan, London, Times.Utc("2026-06-01T10:00"), [], 30);

        timeline.Single(e => e.Action == "condition_evaluated").Reason.Should().EndWith("-> step 3 (Non-openers)").And.NotContain(nudge.Id.ToString());
    }

    [Fact]
    public void In_the_simulator_a_reply_stops_the_sequence_when_it_arrives_unless_replies_do_not_stop_it()
    {
        var intro = Email(1);
        var followUp = Email(2, delayDays: 2);
        var monday = Times.Utc("2026-06-01T10:00");
        SimulatedEvent[] reply = [new SimulatedEvent(EngagementType.Replied, intro.Id, 5)];

        var stopping = Simulator.Run(new SequencePlan(Guid.NewGuid(), [intro, followUp], new SequenceSettings()), London, monday, reply, 30);
        var going = Simulator.Run(new SequencePlan(Guid.NewGuid(), [intro, followUp], new SequenceSettings { StopOnReply = false }), London, monday, reply, 30);

        stopping.Where(e => e.Action == "email_sent").Select(e => e.StepId).Should().Equal(intro.Id);
        stopping.Last().Should().Match<TimelineEntry>(e => e.Action == "stopped" && e.Reason == "replied" && e.At == monday.AddHours(5));
        going.Where(e => e.Action == "email_sent").Select(e => e.StepId).Should().Equal(intro.Id, followUp.Id);
        going.Last().Action.Should().Be("completed");
    }
}
