using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <summary>A step's <c>email_template_id</c> names the workspace template its content came from. Another
/// workspace's template is as unknown here as a made-up id: it would dangle once that template is deleted.</summary>
internal static class TemplateReferences
{
    /// <summary>Refuses steps that name a template this workspace does not have, before anything is written.</summary>
    /// <param name="list">The steps' field in the body ("steps"), or null for a single step's body.</param>
    public static async Task CheckAsync(SequencesDbContext db, IReadOnlyList<StepInput> steps, string? list, CancellationToken ct)
    {
        var known = await KnownAsync(db, steps, ct);
        var issues = steps.Select((step, i) => (step, i))
            .Where(x => x.step?.EmailTemplateId is { } id && !known.Contains(id))
            .Select(x => ValidationIssue.Error(list is null ? "email_template_id" : $"{list}[{x.i}].email_template_id", "unknown_template",
                $"Template {x.step.EmailTemplateId} does not exist in this workspace."))
            .ToList();
        if (issues.Count > 0) throw new InputRejectedException(issues);
    }

    /// <summary>For an import: an exported document names the templates of the workspace it came from, which mean
    /// nothing here, so those links are dropped and the content stays.</summary>
    public static async Task<List<StepInput>> WithoutUnknownAsync(SequencesDbContext db, IReadOnlyList<StepInput> steps, CancellationToken ct)
    {
        var known = await KnownAsync(db, steps, ct);
        return steps.Select(s => s.EmailTemplateId is { } id && !known.Contains(id) ? s with { EmailTemplateId = null } : s).ToList();
    }

    private static async Task<HashSet<Guid>> KnownAsync(SequencesDbContext db, IReadOnlyList<StepInput> steps, CancellationToken ct)
    {
        var ids = steps.Where(s => s?.EmailTemplateId is not null).Select(s => s.EmailTemplateId!.Value).Distinct().ToList();
        return ids.Count == 0 ? [] : (await db.EmailTemplates.Where(t => ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct)).ToHashSet();
    }
}
