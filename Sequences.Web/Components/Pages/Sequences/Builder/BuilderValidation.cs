using System.Text.RegularExpressions;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>The problems of the document as it stands, unsaved: the shape rules a save would reject,
/// and, when the shape is fine, the Core validator's graph and content problems. Every step problem carries its step id.</summary>
public static partial class BuilderValidation
{
    public static IReadOnlyList<ValidationIssue> Validate(BuilderDocument document, LiquidTemplates templates)
    {
        var input = document.ToInput();
        var issues = StepShapeValidator.ValidateSequence(input);
        var ids = document.Steps.Select(s => s.Id).ToHashSet();
        var shape = new List<ValidationIssue>();
        for (var i = 0; i < document.Steps.Count; i++)
        {
            var id = document.Steps[i].Id;
            shape.AddRange(StepShapeValidator.ValidateStep(input.Steps![i], ids).Select(issue => issue with { StepId = id }));
        }
        issues.AddRange(shape);
        if (shape.Count > 0) return issues;

        // Steps keep their ids, so the validator's step ids are the drafts'.
        var sequence = new Sequence { Name = document.Name, Settings = document.Settings };
        sequence.Steps.AddRange(StepMapper.Build(input.Steps!, ids));
        issues.AddRange(SequenceValidator.Validate(sequence, templates));
        return issues;
    }

    /// <summary>"variants[1].subject_line" and "condition_value.on_true" stay; a step's own field is its last part.</summary>
    public static bool IsField(ValidationIssue issue, string field) =>
        issue.Field == field || issue.Field.EndsWith("." + field, StringComparison.Ordinal) && !VariantField().IsMatch(issue.Field);

    [GeneratedRegex(@"^variants\[\d+\]\.")]
    private static partial Regex VariantField();
}

/// <summary>The message shown in red under a field: the first error found for it. Warnings (an unknown variable, say)
/// do not stop a start, so they are not dressed as errors there; the node and the validation panel list them.</summary>
public static class FieldIssues
{
    public static string? For(IReadOnlyList<ValidationIssue> issues, string field) =>
        issues.FirstOrDefault(i => i.Severity == IssueSeverity.Error && BuilderValidation.IsField(i, field))?.Message;

    public static string? ForVariant(IReadOnlyList<ValidationIssue> issues, int index, string field) =>
        issues.FirstOrDefault(i => i.Severity == IssueSeverity.Error && i.Field.EndsWith($"variants[{index}].{field}", StringComparison.Ordinal))?.Message;
}
