using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Explain;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Tests.Core.Engine;

namespace Sequences.Tests.Core.Explain;

/// <summary>
/// Every explainer reason on a fixed clock. The log the explainer reads is the one the real engine writes
/// (enroll, next, step done), so a reason is only ever what the engine did.
/// </summary>
public sealed class ExplainerTests
{
    private static readonly TimeZoneInfo London = Times.Zone("Europe/London");
    private static readonly DateTime FridayAfternoon = Times.Utc("2026-06-05T15:00"); // 16:00 BST

    private readonly Sequence _sequence = new() { Id = Guid.NewGuid(), Name = "Outreach", Status = SequenceStatus.Active, Settings = new SequenceSettings() };
    private readonly Lead _lead = new() { Id = Guid.NewGuid(), Email = "ada@example.com", Timezone = "Europe/London" };
    private readonly LeadSequenceState _state = new();
    private readonly EnrollmentCursor _cursor = new();
    private readonly List<SequenceExecutionLog> _log = [];
    private readonly List<OutboundMessage> _messages = [];
    private readonly List<ValidationIssue> _issues = [];

    public ExplainerTests()
    {
        _state.LeadId = _lead.Id;
        _state.SequenceId = _sequence.Id;
    }

    private SequenceStep AddStep(StepType type, int delayDays = 0, int delayHours = 0, string? sendTime = null, string? name = null)
    {
        var step = new SequenceStep
        {
            Id = Guid.NewGuid(), SequenceId = _sequence.Id, StepOrder = _sequence.Steps.Count + 1, StepType = type, Name = name,
            SubjectLine = "Hi", BodyText = "Hello", DelayDays = delayDays, DelayHours = delayHours, SendTime = sendTime,
        };
        _sequence.Steps.Add(step);
        return step;
    }

    private SequencePlan Plan => new(_sequence.Id, _sequence.Steps, _sequence.Settings);
    private EngineContext Context(DateTime now) => new(now, London, _lead.Id, []);

    private EngineAction Enroll(DateTime at) => Record(log => EnrollmentEngine.Enroll(_cursor, Plan, Context(at), at, log));
    private EngineAction Next(DateTime at) => Record(log => EnrollmentEngine.Next(_cursor, Plan, Context(at), log));

    private void Sent(SequenceStep step, DateTime at, string? variant = null)
    {
        _messages.Add(new OutboundMessage
        {
            IdempotencyKey = $"{_state.Id:N}:{step.Id:N}", MessageId = "<m@x>", StateId = _state.Id, StepId = step.Id, LeadId = _lead.Id,
            SequenceId = _sequence.Id, ToAddress = _lead.Email, Status = OutboundStatus.Sent, SentAt = at, Variant = variant,
        });
        Log("email_sent", at, step);
        Record(log => EnrollmentEngine.StepDone(_cursor, Plan, Context(at), at, log));
    }

    private EngineAction Record(Func<List<EngineLogEntry>, EngineAction> run)
    {
        var entries = new List<EngineLogEntry>();
        var action = run(entries);
        foreach (var e in entries)
            _log.Add(new SequenceExecutionLog { ActionType = e.ActionType, StepId = e.StepId, StepOrder = e.StepOrder, ExecutedAt = e.At, Metadata = e.Metadata.ToDictionary(), LeadId = _lead.Id, SequenceId = _sequence.Id });
        _state.CurrentStepId = _cursor.CurrentStepId;
        _state.CurrentStepOrder = _cursor.CurrentStepOrder;
        _state.NextActionAt = _cursor.NextActionAt;
        return action;
    }

    private SequenceExecutionLog Log(string type, DateTime at, SequenceStep? step = null, Dictionary<string, string>? metadata = null)
    {
        var entry = new SequenceExecutionLog { ActionType = type, StepId = step?.Id, StepOrder = step?.StepOrder, ExecutedAt = at, Metadata = metadata ?? [], LeadId = _lead.Id, SequenceId = _sequence.Id };
        _log.Add(entry);
        return entry;
    }

    private Explanation Explain(DateTime now) =>
        Explainer.Explain(new ExplainInput(_state, _sequence, _lead, London, false, _log, _messages, _issues, now));

    private Explanation Explain(DateTime now, bool suppressed) =>
        Explainer.Explain(new ExplainInput(_state, _sequence, _lead, London, suppressed, _log, _messages, _issues, now));

    [Fact]
    public void Next_step_names_the_wait_the_send_time_the_window_and_the_weekend_with_the_log_entry_behind_them()
    {
        AddStep(StepType.Email, delayDays: 1, sendTime: "08:00", name: "Intro");
        Enroll(FridayAfternoon);

        var step = Explain(FridayAfternoon).Steps.Single();

        step.Status.Should().Be(StepStatus.Next);
        step.At.Should().Be(Times.Utc("2026-06-08T08:00"), "Saturday 08:00 is outside the window and a weekend: Monday 09:00 BST");
        step.AtLocal.Should().Be(Times.Local("2026-06-08T09:00"));
        step.Sentence.Should().Be("Next: Mon 8 Jun 2026 09:00 Europe/London (08:00 UTC).");
        step.Reasons.Select(r => r.Code).Should().Equal(ExplainCode.Delay, ExplainCode.SendTime, ExplainCode.SendWindow, ExplainCode.Weekend);
        step.Reasons[0].Sentence.Should().StartWith("The step's wait: waits 1 day after the previous step, until Mon 8 Jun 2026 09:00 Europe/London");
        step.Reasons[2].Sentence.Should().Be("Outside the send window 09:00-17:00 (Europe/London), until Mon 8 Jun 2026 09:00 Europe/London (08:00 UTC).",
            "the window is named once, not echoed");
        var scheduled = _log.Single(l => l.ActionType == "step_scheduled");
        step.Reasons.Should().OnlyContain(r => r.LogEntryIds.SequenceEqual(new[] { scheduled.Id }));
    }

    [Fact]
    public void An_overdue_email_held_by_the_engine_for_the_window_says_so_from_the_send_deferred_entry()
    {
        var email = AddStep(StepType.Email);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);
        _sequence.Settings = new SequenceSettings(); // business hours came in later; the engine holds the overdue email
        var saturday = Times.Utc("2026-06-06T11:00");
        Next(saturday).Should().BeOfType<Wait>();

        var step = Explain(saturday).Steps.Single();

        var deferred = _log.Single(l => l.ActionType == "send_deferred" && l.StepId == email.Id);
        step.Reasons.Select(r => r.Code).Should().Equal(ExplainCode.Weekend);
        step.Reasons.Single().LogEntryIds.Should().Equal(deferred.Id);
        step.Reasons.Single().Until.Should().Be(Times.Utc("2026-06-08T08:00"));
        step.At.Should().Be(Times.Utc("2026-06-08T08:00"));
    }

    [Theory]
    [InlineData("mailbox_cap", ExplainCode.MailboxCap, "Mailbox daily cap: ")]
    [InlineData("spacing", ExplainCode.Spacing, "Mailbox spacing: ")]
    [InlineData("domain_cap", ExplainCode.DomainCap, "Per-domain hourly cap: ")]
    public void A_hold_of_the_pass_is_explained_with_its_reason_code(string reasonCode, ExplainCode expected, string opening)
    {
        var email = AddStep(StepType.Email);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);
        var until = FridayAfternoon.AddHours(1);
        // As the pass writes it (PassWorker.BeginSendAsync).
        var held = Log("send_deferred", FridayAfternoon, email, new() { ["reason_code"] = reasonCode, ["reason"] = "Sender reached its limit", ["until"] = "2026-06-05T16:00:00Z" });
        _state.NextActionAt = until;

        var reason = Explain(FridayAfternoon.AddMinutes(5)).Steps.Single().Reasons.Single();

        reason.Code.Should().Be(expected);
        reason.Sentence.Should().Be($"{opening}sender reached its limit, until Fri 5 Jun 2026 17:00 Europe/London (16:00 UTC).");
        reason.Until.Should().Be(until);
        reason.LogEntryIds.Should().Equal(held.Id);
    }

    [Fact]
    public void A_sent_step_is_done_with_its_time_and_variant_and_the_next_one_counts_from_it()
    {
        var one = AddStep(StepType.Email);
        AddStep(StepType.Email, delayDays: 2);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);
        Sent(one, FridayAfternoon, "B");

        var steps = Explain(FridayAfternoon.AddHours(1)).Steps;

        steps[0].Status.Should().Be(StepStatus.Done);
        steps[0].Variant.Should().Be("B");
        steps[0].At.Should().Be(FridayAfternoon);
        steps[0].Reasons.Single().Sentence.Should().Be("Email sent (variant B) on Fri 5 Jun 2026 16:00 Europe/London (15:00 UTC).");
        steps[0].Reasons.Single().LogEntryIds.Should().Equal(_log.Single(l => l.ActionType == "email_sent").Id);
        steps[1].Status.Should().Be(StepStatus.Next);
        steps[1].At.Should().Be(FridayAfternoon.AddDays(2));
        steps[1].Reasons.Single().Code.Should().Be(ExplainCode.Delay);
    }

    [Fact]
    public void An_overdue_step_is_due_now()
    {
        AddStep(StepType.Email);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);

        var explanation = Explain(FridayAfternoon.AddMinutes(3));

        explanation.Blockers.Should().BeEmpty();
        explanation.Steps.Single().Reasons.Single().Code.Should().Be(ExplainCode.DueNow);
        explanation.Summary.Should().StartWith("Step 1 (email): Next: Fri 5 Jun 2026 16:00");
    }

    [Fact]
    public void A_paused_lead_is_blocked_by_the_pause_with_its_log_entry()
    {
        AddStep(StepType.Email);
        Enroll(FridayAfternoon);
        _state.Status = EnrollmentStatus.Paused;
        var paused = Log("paused", FridayAfternoon.AddMinutes(1));

        var explanation = Explain(FridayAfternoon.AddMinutes(2));

        var blocker = explanation.Blockers.Single();
        blocker.Code.Should().Be(ExplainCode.LeadPaused);
        blocker.LogEntryIds.Should().Equal(paused.Id);
        blocker.Sentence.Should().Be("The lead is paused in this sequence since Fri 5 Jun 2026 16:01 Europe/London (15:01 UTC): nothing runs until someone resumes it.");
        explanation.Summary.Should().Be(blocker.Sentence);
        explanation.Steps.Single().Status.Should().Be(StepStatus.Blocked);
        explanation.Steps.Single().Reasons.Should().Contain(blocker);
    }

    [Theory]
    [InlineData(SequenceStatus.Paused, ExplainCode.SequencePaused)]
    [InlineData(SequenceStatus.Draft, ExplainCode.SequenceDraft)]
    [InlineData(SequenceStatus.Archived, ExplainCode.SequenceArchived)]
    public void A_sequence_that_is_not_running_blocks_the_lead(SequenceStatus status, ExplainCode expected)
    {
        AddStep(StepType.Email);
        Enroll(FridayAfternoon);
        _sequence.Status = status;

        var explanation = Explain(FridayAfternoon);

        explanation.Blockers.Select(b => b.Code).Should().Equal(expected);
        explanation.Steps.Single().Status.Should().Be(StepStatus.Blocked);
    }

    [Fact]
    public void A_suppressed_address_blocks_and_says_why()
    {
        AddStep(StepType.Email);
        Enroll(FridayAfternoon);

        Explain(FridayAfternoon, suppressed: true).Blockers.Single().Sentence.Should().Be("The address is suppressed (on the suppression list): it is never mailed again.");
        _lead.BouncedAt = FridayAfternoon;
        Explain(FridayAfternoon).Blockers.Single().Sentence.Should().Be("The address is suppressed (bounced): it is never mailed again.");
    }

    [Fact]
    public void A_stopped_enrollment_says_why_it_stopped_and_no_later_step_runs()
    {
        var one = AddStep(StepType.Email);
        AddStep(StepType.Email, delayDays: 2);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);
        Sent(one, FridayAfternoon);
        var stoppedAt = FridayAfternoon.AddHours(2);
        var stop = Log("auto_stopped", stoppedAt, metadata: new() { ["reason"] = "replied" });
        _state.Status = EnrollmentStatus.Stopped;
        _state.StoppedReason = "replied";
        _state.CompletedAt = stoppedAt;

        var explanation = Explain(stoppedAt.AddHours(1));

        explanation.Blockers.Single().Code.Should().Be(ExplainCode.Stopped);
        explanation.Blockers.Single().Sentence.Should().Be("Stopped since Fri 5 Jun 2026 18:00 Europe/London (17:00 UTC) (replied): no further steps run.");
        explanation.Blockers.Single().LogEntryIds.Should().Equal(stop.Id);
        explanation.Steps.Select(s => s.Status).Should().Equal(StepStatus.Done, StepStatus.Blocked);
        explanation.Steps[1].Reasons.Should().Equal(explanation.Blockers);
    }

    [Fact]
    public void An_unknown_send_outcome_blocks_until_a_person_decides()
    {
        var email = AddStep(StepType.Email);
        Enroll(FridayAfternoon);
        _messages.Add(new OutboundMessage { IdempotencyKey = "k", MessageId = "<m@x>", StepId = email.Id, ToAddress = _lead.Email, Status = OutboundStatus.Unknown });
        var unknown = Log("send_outcome_unknown", FridayAfternoon.AddMinutes(10), email);
        _state.NextActionAt = null;

        var blocker = Explain(FridayAfternoon.AddHours(1)).Blockers.Single();

        blocker.Code.Should().Be(ExplainCode.UnknownOutcome);
        blocker.LogEntryIds.Should().Equal(unknown.Id);
        blocker.Sentence.Should().Contain("not re-sent automatically");
    }

    [Fact]
    public void A_validation_error_on_the_current_step_blocks_it()
    {
        var email = AddStep(StepType.Email);
        Enroll(FridayAfternoon);
        _issues.Add(ValidationIssue.Error("subject_line", "empty_email", "The email has no subject.", email.Id));
        _issues.Add(ValidationIssue.Warning("body_text", "unknown_variable", "Unknown variable lead.nickname.", email.Id));

        Explain(FridayAfternoon).Blockers.Single().Sentence.Should().Be("The sequence has an error (The email has no subject).");
    }

    [Fact]
    public void Steps_after_the_current_one_are_upcoming_and_steps_a_condition_jumped_over_are_skipped()
    {
        var first = AddStep(StepType.Email);
        AddStep(StepType.Email);
        var third = AddStep(StepType.Email, delayDays: 1);
        AddStep(StepType.Email);
        _sequence.Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };
        Enroll(FridayAfternoon);
        Sent(first, FridayAfternoon);
        _state.CurrentStepId = third.Id; // as after a condition's jump
        _state.CurrentStepOrder = third.StepOrder;

        Explain(FridayAfternoon).Steps.Select(s => s.Status).Should().Equal(StepStatus.Done, StepStatus.Skipped, StepStatus.Next, StepStatus.Upcoming);
    }

    [Fact]
    public void Engine_codes_map_by_name_so_a_new_reason_is_one_enum_value_and_one_sentence()
    {
        Explainer.Parse("send_window").Should().Be(ExplainCode.SendWindow);
        Explainer.Parse("holiday").Should().Be(ExplainCode.Holiday);
        Explainer.Parse("something_new").Should().Be(ExplainCode.Other);
        var facts = new SentenceFacts(London, Detail: "engine words");
        foreach (var code in Enum.GetValues<ExplainCode>().Where(c => c != ExplainCode.Other))
            ExplanationSentences.For(code, facts).Should().NotBe("engine words", $"{code} needs its own sentence");
        ExplanationSentences.For(ExplainCode.Other, facts).Should().Be("engine words");
    }
}
