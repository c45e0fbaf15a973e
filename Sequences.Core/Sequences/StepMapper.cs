using Sequences.Core.Common;

namespace Sequences.Core.Sequences;

/// <summary>Turns client step input into step entities: shape checks, fresh ids for steps that are
/// new, and every route rewritten to those ids (create with steps, import, duplicate, save all).</summary>
public static class StepMapper
{
    /// <param name="inputs">Steps in their order.</param>
    /// <param name="keepIds">Ids that stay as they are (the sequence's existing steps); any other id is a
    /// document-local name that gets a new id.</param>
    public static IReadOnlyList<SequenceStep> Build(IReadOnlyList<StepInput> inputs, IReadOnlySet<Guid> keepIds, string prefix = "steps")
    {
        var issues = new List<ValidationIssue>();
        var idMap = new Dictionary<Guid, Guid>();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                issues.Add(ValidationIssue.Error($"{prefix}[{i}]", "required", "A step must be an object."));
                continue;
            }
            if (inputs[i].Id is not { } id) continue;
            if (idMap.ContainsKey(id))
                issues.Add(ValidationIssue.Error($"{prefix}[{i}].id", "duplicate", $"Step id {id} appears twice."));
            else
                idMap[id] = keepIds.Contains(id) ? id : Guid.NewGuid();
        }
        if (issues.Count > 0) throw new InputRejectedException(issues);

        var known = idMap.Keys.ToHashSet();
        for (var i = 0; i < inputs.Count; i++)
            issues.AddRange(StepShapeValidator.ValidateStep(inputs[i], known, $"{prefix}[{i}]."));
        if (issues.Count > 0) throw new InputRejectedException(issues);

        return inputs.Select((input, i) =>
        {
            var step = new SequenceStep { Id = input.Id is { } id ? idMap[id] : Guid.NewGuid(), StepOrder = i + 1 };
            Apply(step, input, idMap);
            return step;
        }).ToList();
    }

    /// <summary>Copies the editable fields (a PUT replaces them: absent ones become empty).</summary>
    public static void Apply(SequenceStep step, StepInput input, IReadOnlyDictionary<Guid, Guid>? idMap = null)
    {
        step.StepType = input.StepType ?? throw new InvalidOperationException("Shape validation lets no step without a type through.");
        step.Name = input.Name;
        step.EmailTemplateId = input.EmailTemplateId;
        step.SubjectLine = input.SubjectLine;
        step.BodyText = input.BodyText;
        step.BodyHtml = input.BodyHtml;
        step.SameThread = input.StepType == StepType.Email && input.SameThread == true;
        step.DelayDays = input.DelayDays ?? 0;
        step.DelayHours = input.DelayHours ?? 0;
        step.SendTime = input.SendTime;
        step.ConditionType = input.StepType == StepType.Condition ? input.ConditionType : null;
        step.ConditionValue = input.StepType == StepType.Condition ? Remap(input.ConditionValue, idMap) : null;
        step.ActionType = input.StepType == StepType.Action ? input.ActionType : null;
        step.ActionConfig = input.StepType == StepType.Action ? input.ActionConfig : null;
        step.Variant = input.Variant;
        step.PositionX = input.PositionX;
        step.PositionY = input.PositionY;
        step.Variants = input.StepType == StepType.Email && input.Variants is { Count: > 0 } variants
            ? variants.Select(v => new SequenceStepVariant
            {
                StepId = step.Id,
                Variant = v.Variant!,
                SubjectLine = v.SubjectLine,
                BodyHtml = v.BodyHtml,
                BodyText = v.BodyText,
                Weight = v.Weight ?? 1,
            }).ToList()
            : [];
        step.AutoWinner = input.StepType == StepType.Email ? input.AutoWinner : null;
        // The decision stands through edits, except when there is no rule any more (back to the weighted split)
        // or the winning variant is gone.
        if (step.AutoWinner is null || !step.Variants.Any(v => v.Variant == step.Winner?.Variant)) step.Winner = null;
    }

    /// <summary>The write-side shape of a stored step: what export writes and duplicate copies.</summary>
    public static StepInput ToInput(SequenceStep step) => new()
    {
        Id = step.Id,
        StepType = step.StepType,
        Name = step.Name,
        EmailTemplateId = step.EmailTemplateId,
        SubjectLine = step.SubjectLine,
        BodyText = step.BodyText,
        BodyHtml = step.BodyHtml,
        SameThread = step.SameThread,
        DelayDays = step.DelayDays,
        DelayHours = step.DelayHours,
        SendTime = step.SendTime,
        ConditionType = step.ConditionType,
        ConditionValue = step.ConditionValue,
        ActionType = step.ActionType,
        ActionConfig = step.ActionConfig,
        Variant = step.Variant,
        PositionX = step.PositionX,
        PositionY = step.PositionY,
        StepOrder = step.StepOrder,
        Variants = step.Variants.OrderBy(v => v.Variant)
            .Select(v => new VariantInput(v.Variant, v.SubjectLine, v.BodyHtml, v.BodyText, v.Weight)).ToList(),
        AutoWinner = step.AutoWinner,
    };

    /// <summary>The same input with its own id and the step ids it names renamed through <paramref name="idMap"/>
    /// (ids not in the map stay).</summary>
    public static StepInput Rename(StepInput input, IReadOnlyDictionary<Guid, Guid> idMap) =>
        input with
        {
            Id = input.Id is { } id && idMap.TryGetValue(id, out var renamed) ? renamed : input.Id,
            ConditionValue = Remap(input.ConditionValue, idMap),
        };

    /// <summary>A copy of <paramref name="source"/> for another version: a new id, references renamed through
    /// <paramref name="idMap"/>, the A/B decision kept (the content is the same), and the source remembered.</summary>
    public static SequenceStep CopyForVersion(SequenceStep source, int version, IReadOnlyDictionary<Guid, Guid> idMap)
    {
        var copy = new SequenceStep
        {
            Id = idMap[source.Id], TenantId = source.TenantId, SequenceId = source.SequenceId, Version = version,
            SourceStepId = source.Id, StepOrder = source.StepOrder,
        };
        Apply(copy, ToInput(source), idMap);
        copy.Winner = source.Winner;
        foreach (var variant in copy.Variants) variant.TenantId = source.TenantId;
        return copy;
    }

    private static ConditionValue? Remap(ConditionValue? value, IReadOnlyDictionary<Guid, Guid>? idMap)
    {
        if (value is null || idMap is null) return value;
        return value with
        {
            SkipTo = Map(value.SkipTo),
            EmailStepId = Map(value.EmailStepId),
            OnTrue = MapRoute(value.OnTrue),
            OnFalse = MapRoute(value.OnFalse),
        };

        Guid? Map(Guid? id) => id is { } v && idMap.TryGetValue(v, out var mapped) ? mapped : id;
        string? MapRoute(string? route) =>
            StepRoute.TryParse(route, out var parsed) && parsed.Kind == StepRouteKind.Jump && idMap.TryGetValue(parsed.StepId, out var mapped)
                ? mapped.ToString()
                : route;
    }
}

/// <summary>The export/import document: a sequence with its steps, positions and variants.</summary>
public sealed record SequenceDocument
{
    public const int CurrentFormatVersion = 1;

    public int? FormatVersion { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public SequenceSettings? Settings { get; init; }
    public List<StepInput>? Steps { get; init; }
}
