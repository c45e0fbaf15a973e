using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Templates;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Templates;

/// <summary>A template as pages and the API see it: a shipped one (read-only) or one of the tenant's own.</summary>
public sealed record TemplateView(
    Guid Id, string Name, string? Category, string? SubjectLine, string? BodyHtml, string? BodyText, bool BuiltIn, DateTime? UpdatedAt)
{
    public static TemplateView From(EmailTemplate t) => new(t.Id, t.Name, t.Category, t.SubjectLine, t.BodyHtml, t.BodyText, false, t.UpdatedAt);
}

public sealed record TemplateInput(string? Name, string? Category, string? SubjectLine, string? BodyHtml, string? BodyText);

public sealed record TemplatePreview(string Subject, string Html, string Text, IReadOnlyList<ValidationIssue> Issues);

/// <summary>The template library (shipped, read-only) and the tenant's custom templates: create, edit, delete, copy, preview.</summary>
public sealed class TemplateService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, LiquidTemplates liquid)
{
    public const int MaxBody = 100_000;

    /// <summary>The lead previews use when no real lead is picked.</summary>
    public static Lead SampleLead { get; } = new()
    {
        Email = "jane.doe@example.com", FirstName = "Jane", LastName = "Doe", Name = "Jane Doe", Company = "Acme Corp",
        Title = "Head of Marketing", Timezone = "Europe/Berlin", Country = "DE", Tags = ["sample"], Custom = new() { ["plan"] = "pro" },
    };

    /// <summary>The library first, then custom templates by name; <paramref name="query"/> matches name and subject.</summary>
    public async Task<IReadOnlyList<TemplateView>> ListAsync(string? query = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var custom = (await db.EmailTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct)).Select(TemplateView.From);
        var all = TemplateLibrary.All.Concat(custom);
        if (!string.IsNullOrWhiteSpace(query))
        {
            var q = query.Trim();
            all = all.Where(t => t.Name.Contains(q, StringComparison.OrdinalIgnoreCase) || (t.SubjectLine?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false));
        }
        return all.ToList();
    }

    public async Task<TemplateView> GetAsync(Guid id, CancellationToken ct = default)
    {
        if (TemplateLibrary.Find(id) is { } shipped) return shipped;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Template", id);
        return TemplateView.From(row);
    }

    public async Task<TemplateView> CreateAsync(TemplateInput input, CancellationToken ct = default)
    {
        Reject(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = new EmailTemplate { Name = input.Name!.Trim() };
        Apply(row, input);
        db.EmailTemplates.Add(row);
        await db.SaveChangesAsync(ct);
        return TemplateView.From(row);
    }

    public async Task<TemplateView> UpdateAsync(Guid id, TemplateInput input, CancellationToken ct = default)
    {
        if (TemplateLibrary.Find(id) is not null) throw new ConflictException("Library templates are read-only; copy it to edit your own version.");
        Reject(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Template", id);
        row.Name = input.Name!.Trim();
        Apply(row, input);
        await db.SaveChangesAsync(ct);
        return TemplateView.From(row);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        if (TemplateLibrary.Find(id) is not null) throw new ConflictException("Library templates cannot be deleted.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Template", id);
        // Steps keep their own copy of subject and body; only the link to the template goes.
        await db.SequenceSteps.Where(s => s.EmailTemplateId == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.EmailTemplateId, (Guid?)null), ct);
        db.EmailTemplates.Remove(row);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A custom template with the content of <paramref name="id"/> (library or custom), named "... (copy)".</summary>
    public async Task<TemplateView> CopyAsync(Guid id, CancellationToken ct = default)
    {
        var source = await GetAsync(id, ct);
        var name = $"{source.Name} (copy)";
        return await CreateAsync(new TemplateInput(name.Length > 200 ? name[..200] : name, source.BuiltIn ? "custom" : source.Category,
            source.SubjectLine, source.BodyHtml, source.BodyText), ct);
    }

    /// <summary>Renders with a real lead of the tenant, or <see cref="SampleLead"/>; problems come back as issues, never as exceptions.</summary>
    public async Task<TemplatePreview> PreviewAsync(TemplateInput input, Guid? leadId = null, CancellationToken ct = default)
    {
        var lead = SampleLead;
        if (leadId is { } id)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new InputRejectedException("lead_id", "unknown_lead", $"Lead {id} does not exist.");
        }
        var issues = Validate(input, requireName: false);
        var model = TemplateModel.For(lead, "Your Name", "you@example.com", "Sample campaign", "https://example.com/u/sample");
        string Render(string? source, bool html)
        {
            try
            {
                return liquid.Render(source, model, encodeHtml: html);
            }
            catch (TemplateRenderException e)
            {
                issues.Add(ValidationIssue.Error("template", "render_failed", e.Message));
                return "";
            }
        }
        var text = string.IsNullOrWhiteSpace(input.BodyText) ? "" : Render(input.BodyText, false);
        return new TemplatePreview(Render(input.SubjectLine, false), DisplayHtml.Sanitize(Render(input.BodyHtml, true)) ?? "", text, issues);
    }

    /// <summary>Errors (missing name, Liquid that does not parse, sizes) and warnings (variables no lead provides).</summary>
    public List<ValidationIssue> Validate(TemplateInput input, bool requireName = true)
    {
        var issues = new List<ValidationIssue>();
        if (requireName && string.IsNullOrWhiteSpace(input.Name)) issues.Add(ValidationIssue.Error("name", "required", "A template needs a name."));
        if (input.Name is { Length: > 200 }) issues.Add(ValidationIssue.Error("name", "too_long", "The name is longer than 200 characters."));
        if (input.Category is { Length: > 100 }) issues.Add(ValidationIssue.Error("category", "too_long", "The category is longer than 100 characters."));
        if (input.SubjectLine is { Length: > 998 }) issues.Add(ValidationIssue.Error("subject_line", "too_long", "The subject is longer than 998 characters."));
        foreach (var (field, value) in new[] { ("subject_line", input.SubjectLine), ("body_html", input.BodyHtml), ("body_text", input.BodyText) })
        {
            var label = FieldLabels.Of(field);
            if (value is { Length: > MaxBody }) issues.Add(ValidationIssue.Error(field, "too_long", $"The {label} is longer than {MaxBody:N0} characters."));
            if (!liquid.TryParse(value, out var error))
            {
                issues.Add(ValidationIssue.Error(field, "template_syntax", $"The {label} is not valid Liquid: {error}"));
                continue;
            }
            foreach (var variable in liquid.FindVariables(value).Where(v => !LiquidTemplates.IsKnownVariable(v)))
                issues.Add(ValidationIssue.Warning(field, "unknown_variable", $"The {label} uses {{{{ {variable} }}}}, which is not a known variable; it renders empty."));
        }
        return issues;
    }

    private void Reject(TemplateInput input)
    {
        _ = tenant.TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");
        var errors = Validate(input).Where(i => i.Severity == IssueSeverity.Error).ToList();
        if (errors.Count > 0) throw new InputRejectedException(errors);
    }

    private static void Apply(EmailTemplate row, TemplateInput input)
    {
        row.Category = string.IsNullOrWhiteSpace(input.Category) ? "custom" : input.Category.Trim();
        row.SubjectLine = input.SubjectLine;
        row.BodyHtml = input.BodyHtml;
        row.BodyText = input.BodyText;
    }
}
