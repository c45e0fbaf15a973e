using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

public sealed class SequenceStep : TenantEntity
{
    public Guid SequenceId { get; set; }
    public int Version { get; set; } = 1;
    /// <summary>The step of the previous version this one was copied from (null for a step new in its version):
    /// publishing moves leads from that step to this one by default.</summary>
    public Guid? SourceStepId { get; set; }
    public int StepOrder { get; set; }
    public StepType StepType { get; set; }
    public string? Name { get; set; }
    public Guid? EmailTemplateId { get; set; }
    public string? SubjectLine { get; set; }
    public string? BodyText { get; set; }
    public string? BodyHtml { get; set; }
    /// <summary>An email step sent as a reply to the enrollment's last sent email ("Re: " its subject, threading
    /// headers), so the lead sees one conversation. The step's own subject is used when nothing was sent before.</summary>
    public bool SameThread { get; set; }
    public int DelayDays { get; set; }
    public int DelayHours { get; set; }
    /// <summary>Local "HH:mm" in the lead's zone, or null.</summary>
    public string? SendTime { get; set; }
    public ConditionType? ConditionType { get; set; }
    public ConditionValue? ConditionValue { get; set; }
    public ActionType? ActionType { get; set; }
    public ActionConfig? ActionConfig { get; set; }
    /// <summary>The seed's single-variant label; A/B content lives in <see cref="Variants"/>.</summary>
    public string? Variant { get; set; }
    public double? PositionX { get; set; }
    public double? PositionY { get; set; }
    public List<SequenceStepVariant> Variants { get; set; } = [];

    // A/B auto-winner (issue #9): the rule, and the decision once the engine has made it.
    public AutoWinnerSettings? AutoWinner { get; set; }
    /// <summary>Set once by the engine; from then on every new lead gets this variant.</summary>
    public WinnerDecision? Winner { get; set; }
}

public sealed class SequenceStepVariant : TenantEntity
{
    public Guid StepId { get; set; }
    public required string Variant { get; set; }
    public string? SubjectLine { get; set; }
    public string? BodyHtml { get; set; }
    public string? BodyText { get; set; }
    public int Weight { get; set; } = 1;
}
