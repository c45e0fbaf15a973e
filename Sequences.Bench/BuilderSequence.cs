using System.Globalization;
using Sequences.Core.Sequences;

namespace Sequences.Bench;

/// <summary>A long, valid sequence of every step type: blocks of email, delay, condition (on the block's email,
/// skipping the action when not opened) and action, so the canvas draws branch links as well as the chain.</summary>
public static class BuilderSequence
{
    public static SequenceInput Create(int steps)
    {
        var input = new List<StepInput>(steps);
        Guid? lastEmail = null;
        for (var i = 0; i < steps; i++)
        {
            var n = (i / 4 + 1).ToString(CultureInfo.InvariantCulture);
            var id = Guid.NewGuid();
            input.Add((i % 4) switch
            {
                0 => new StepInput
                {
                    Id = id, StepType = StepType.Email, Name = $"Touch {n}", SubjectLine = $"{{{{ lead.first_name }}}}, idea #{n}",
                    BodyHtml = BenchContent.BodyHtml,
                },
                1 => new StepInput { Id = id, StepType = StepType.Delay, DelayDays = 2, DelayHours = 4, SendTime = "09:00" },
                2 => new StepInput
                {
                    Id = id, StepType = StepType.Condition, ConditionType = ConditionType.IfOpened, DelayDays = 1,
                    ConditionValue = new ConditionValue { WithinDays = 3, EmailStepId = lastEmail },
                },
                _ => new StepInput
                {
                    Id = id, StepType = StepType.Action, ActionType = ActionType.TagLead, ActionConfig = new ActionConfig { Tag = $"opened-{n}" },
                },
            });
            if (i % 4 == 0) lastEmail = id;
        }
        // Each condition's no-branch skips its action, when there is a step after the action to go to.
        for (var i = 2; i + 2 < steps; i += 4)
            input[i] = input[i] with { ConditionValue = input[i].ConditionValue! with { OnFalse = input[i + 2].Id!.Value.ToString() } };
        return new SequenceInput
        {
            Name = $"Bench builder ({steps} steps)",
            Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
            Steps = input,
        };
    }
}
