using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Common;
using Sequences.Infrastructure.Templates;

namespace Sequences.Web.Api;

public sealed record TemplateResponse(
    Guid Id, string Name, string? Category, string? SubjectLine, string? BodyHtml, string? BodyText, bool BuiltIn, DateTime? UpdatedAt)
{
    public static TemplateResponse From(TemplateView t) => new(t.Id, t.Name, t.Category, t.SubjectLine, t.BodyHtml, t.BodyText, t.BuiltIn, t.UpdatedAt);
}

/// <summary>A preview request: the template content to render and, optionally, a lead of the caller's tenant to render it for.</summary>
public sealed record TemplatePreviewRequest(string? Name, string? Category, string? SubjectLine, string? BodyHtml, string? BodyText, Guid? LeadId);

public sealed record TemplatePreviewResponse(string Subject, string BodyHtml, string BodyText, IReadOnlyList<IssueDto> Issues);

/// <summary><c>/api/templates</c>: the shipped library (read-only, <c>built_in: true</c>) and the tenant's own templates.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/templates").WithTags("Templates");
        group.MapGet("/", async Task<Ok<ListResponse<TemplateResponse>>> (HttpRequest request, TemplateService templates, CancellationToken ct) =>
        {
            var paging = Paging.Parse(request);
            var all = await templates.ListAsync(paging.Query, ct);
            var page = new Page<TemplateView>(all.Skip(paging.Skip).Take(paging.PageSize).ToList(), all.Count, paging.Page, paging.PageSize);
            return TypedResults.Ok(ListResponse<TemplateResponse>.From(page, TemplateResponse.From));
        });
        group.MapGet("/{id:guid}", async Task<Ok<TemplateResponse>> (Guid id, TemplateService templates, CancellationToken ct) =>
            TypedResults.Ok(TemplateResponse.From(await templates.GetAsync(id, ct))));
        group.MapPost("/", async Task<Created<TemplateResponse>> (TemplateInput body, TemplateService templates, CancellationToken ct) =>
        {
            var created = await templates.CreateAsync(body, ct);
            return TypedResults.Created($"/api/templates/{created.Id}", TemplateResponse.From(created));
        });
        group.MapPut("/{id:guid}", async Task<Ok<TemplateResponse>> (Guid id, TemplateInput body, TemplateService templates, CancellationToken ct) =>
            TypedResults.Ok(TemplateResponse.From(await templates.UpdateAsync(id, body, ct))));
        group.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, TemplateService templates, CancellationToken ct) =>
        {
            await templates.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        });
        group.MapPost("/{id:guid}/copy", async Task<Created<TemplateResponse>> (Guid id, TemplateService templates, CancellationToken ct) =>
        {
            var copy = await templates.CopyAsync(id, ct);
            return TypedResults.Created($"/api/templates/{copy.Id}", TemplateResponse.From(copy));
        });
        group.MapPost("/preview", async Task<Ok<TemplatePreviewResponse>> (TemplatePreviewRequest body, TemplateService templates, CancellationToken ct) =>
        {
            var preview = await templates.PreviewAsync(new TemplateInput(body.Name, body.Category, body.SubjectLine, body.BodyHtml, body.BodyText), body.LeadId, ct);
            return TypedResults.Ok(new TemplatePreviewResponse(preview.Subject, preview.Html, preview.Text, preview.Issues.Select(IssueDto.From).ToList()));
        });
        return api;
    }
}
