using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>One step as the builder edits it: mutable, so the properties panel binds straight to it and
/// the node re-renders from the same object. <see cref="Id"/> is the stored id once saved, else a
/// document-local id that routes may name (the service remaps it on save).</summary>
public sealed class StepDraft
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public bool IsSaved { get; set; }
    public StepType StepType { get; set; }
    public string? Name { get; set; }
    public Guid? EmailTemplateId { get; set; }
    public string? SubjectLine { get; set; }
    public string? BodyHtml { get; set; }
    public string? BodyText { get; set; }
    public bool SameThread { get; set; }
    public int DelayDays { get; set; }
    public int DelayHours { get; set; }
    public string? SendTime { get; set; }
    public ConditionType? ConditionType { get; set; }
    public int? WithinDays { get; set; }
    public Guid? EmailStepId { get; set; }
    public string? OnTrue { get; set; }
    public string? OnFalse { get; set; }
    public ActionType? ActionType { get; set; }
    public string? ActionStatus { get; set; }
    public string? ActionTag { get; set; }
    public string? ActionMessage { get; set; }
    public string? ActionUrl { get; set; }
    public string? Variant { get; set; }
    /// <summary>Set only when the user placed the node; null nodes follow the automatic layout.</summary>
    public double? PositionX { get; set; }
    public double? PositionY { get; set; }
    public List<VariantDraft> Variants { get; set; } = [];
    /// <summary>Edited in <see cref="AutoWinnerEditor"/>; carried whole so that saving from the builder keeps it (and the step's decision).</summary>
    public AutoWinnerSettings? AutoWinner { get; set; }

    /// <summary>What a new step dropped from the palette starts with: enough to save, nothing surprising.</summary>
    public static StepDraft New(StepType type) => type switch
    {
        StepType.Email => new StepDraft { StepType = type, Name = "Email" },
        StepType.Delay => new StepDraft { StepType = type, Name = "Wait", DelayDays = 2 },
        StepType.Condition => new StepDraft
        {
            StepType = type, Name = "Opened?", ConditionType = Core.Sequences.ConditionType.IfOpened, DelayDays = 2,
        },
        _ => new StepDraft { StepType = type, Name = "Tag lead", ActionType = Core.Sequences.ActionType.TagLead, ActionTag = "engaged" },
    };

    public static StepDraft From(StepInput input, bool saved) => new()
    {
        Id = input.Id ?? Guid.NewGuid(),
        IsSaved = saved,
        StepType = input.StepType ?? StepType.Email,
        Name = input.Name,
        EmailTemplateId = input.EmailTemplateId,
        SubjectLine = input.SubjectLine,
        BodyHtml = input.BodyHtml,
        BodyText = input.BodyText,
        SameThread = input.SameThread == true,
        DelayDays = input.DelayDays ?? 0,
        DelayHours = input.DelayHours ?? 0,
        SendTime = input.SendTime,
        ConditionType = input.ConditionType,
        WithinDays = input.ConditionValue?.WithinDays,
        EmailStepId = input.ConditionValue?.EmailStepId,
        OnTrue = input.ConditionValue?.OnTrue,
        // skip_to is the seed's spelling of on_false; the builder writes on_false only.
        OnFalse = input.ConditionValue?.OnFalse ?? input.ConditionValue?.SkipTo?.ToString(),
        ActionType = input.ActionType,
        ActionStatus = input.ActionConfig?.Status,
        ActionTag = input.ActionConfig?.Tag,
        ActionMessage = input.ActionConfig?.Message,
        ActionUrl = input.ActionConfig?.Url,
        Variant = input.Variant,
        PositionX = input.PositionX,
        PositionY = input.PositionY,
        Variants = input.Variants?.Select(v => new VariantDraft
        {
            Variant = v.Variant ?? "",
            SubjectLine = v.SubjectLine,
            BodyHtml = v.BodyHtml,
            BodyText = v.BodyText,
            Weight = v.Weight ?? 1,
        }).ToList() ?? [],
        AutoWinner = input.AutoWinner,
    };

    public StepInput ToInput() => new()
    {
        Id = Id,
        StepType = StepType,
        Name = Blank(Name),
        EmailTemplateId = StepType == StepType.Email ? EmailTemplateId : null,
        SubjectLine = StepType == StepType.Email ? SubjectLine : null,
        BodyHtml = StepType == StepType.Email ? BodyHtml : null,
        BodyText = StepType == StepType.Email ? BodyText : null,
        SameThread = StepType == StepType.Email && SameThread,
        DelayDays = DelayDays,
        DelayHours = DelayHours,
        SendTime = Blank(SendTime),
        ConditionType = StepType == StepType.Condition ? ConditionType : null,
        ConditionValue = StepType == StepType.Condition
            ? new ConditionValue { WithinDays = WithinDays, EmailStepId = EmailStepId, OnTrue = Blank(OnTrue), OnFalse = Blank(OnFalse) }
            : null,
        ActionType = StepType == StepType.Action ? ActionType : null,
        ActionConfig = StepType == StepType.Action ? ActionConfigFor(ActionType) : null,
        Variant = Blank(Variant),
        PositionX = PositionX,
        PositionY = PositionY,
        Variants = StepType == StepType.Email
            ? Variants.Select(v => new VariantInput(v.Variant, v.SubjectLine, v.BodyHtml, v.BodyText, v.Weight)).ToList()
            : [],
        // A rule needs two variants: removing one in the builder drops the rule rather than blocking the save.
        AutoWinner = StepType == StepType.Email && Variants.Count >= 2 ? AutoWinner : null,
    };

    /// <summary>Only the field the action type uses is written, so switching types leaves nothing stale behind.</summary>
    private ActionConfig ActionConfigFor(ActionType? type) => type switch
    {
        Core.Sequences.ActionType.UpdateStatus => new ActionConfig { Status = ActionStatus },
        Core.Sequences.ActionType.TagLead => new ActionConfig { Tag = ActionTag },
        Core.Sequences.ActionType.NotifyUser => new ActionConfig { Message = ActionMessage },
        Core.Sequences.ActionType.Webhook => new ActionConfig { Url = ActionUrl },
        _ => new ActionConfig(),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>One A/B variant of an email step.</summary>
public sealed class VariantDraft
{
    public string Variant { get; set; } = "";
    public string? SubjectLine { get; set; }
    public string? BodyHtml { get; set; }
    public string? BodyText { get; set; }
    public int Weight { get; set; } = 1;
}

/// <summary>A reorder from the list view: the step and the index it goes to.</summary>
public sealed record StepMove(StepDraft Step, int Index);
