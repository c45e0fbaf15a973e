namespace Sequences.Core.Sequences;

/// <summary>What a client may write for a sequence (create, PUT, import). Steps are optional on create.</summary>
public sealed record SequenceInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public SequenceSettings? Settings { get; init; }
    public List<StepInput>? Steps { get; init; }
}

/// <summary>What a client may write for a step. <see cref="Id"/> only matters inside a
/// sequence document (create with steps, import): routes may name those ids, which are remapped.</summary>
public sealed record StepInput
{
    public Guid? Id { get; init; }
    public StepType? StepType { get; init; }
    public string? Name { get; init; }
    public Guid? EmailTemplateId { get; init; }
    public string? SubjectLine { get; init; }
    public string? BodyText { get; init; }
    public string? BodyHtml { get; init; }
    public bool? SameThread { get; init; }
    public int? DelayDays { get; init; }
    public int? DelayHours { get; init; }
    public string? SendTime { get; init; }
    public ConditionType? ConditionType { get; init; }
    public ConditionValue? ConditionValue { get; init; }
    public ActionType? ActionType { get; init; }
    public ActionConfig? ActionConfig { get; init; }
    public string? Variant { get; init; }
    public double? PositionX { get; init; }
    public double? PositionY { get; init; }
    public List<VariantInput>? Variants { get; init; }
    public AutoWinnerSettings? AutoWinner { get; init; }
    /// <summary>Where to insert when adding one step (1-based); absent means at the end.</summary>
    public int? StepOrder { get; init; }
}

public sealed record VariantInput(string? Variant, string? SubjectLine, string? BodyHtml, string? BodyText, int? Weight);
