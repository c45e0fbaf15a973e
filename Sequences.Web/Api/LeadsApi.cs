using Microsoft.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Leads;

namespace Sequences.Web.Api;

public static class LeadsApi
{
    public static IEndpointRouteBuilder MapLeadsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/leads").WithTags("Leads");
        group.MapGet("/", async Task<Ok<ListResponse<LeadResponse>>> (HttpRequest request, LeadService leads, CancellationToken ct) =>
            TypedResults.Ok(ListResponse<LeadResponse>.From(await leads.ListAsync(Paging.Parse(request), ct), LeadResponse.From)));
        group.MapPost("/", async Task<Created<LeadResponse>> (LeadInput body, LeadService leads, CancellationToken ct) =>
        {
            var lead = await leads.CreateAsync(body, ct);
            return TypedResults.Created($"/api/leads/{lead.Id}", LeadResponse.From(lead));
        });
        // No Accepts(...) metadata: routing would then refuse other content types itself, with the JSON endpoints' 415 text.
        group.MapPost("/import", ImportAsync)
            .WithDescription("A CSV of leads as the body (text/csv) or as a file in a multipart form. Columns map by their header " +
                             "as in the UI (email, first_name, ... ; any other header becomes custom.<header>). ?update_existing=true " +
                             "updates stored leads with the row's non-empty cells instead of skipping them.")
            .Query(new QueryParameterDoc("update_existing", "true: update stored leads with the row's non-empty cells instead of skipping them.", JsonSchemaType.Boolean))
            .Body(new RequestBodyDoc("The CSV, at most 1 MB: the file as the body, or as a file field of a multipart form.", "text/csv", "multipart/form-data"));
        group.MapGet("/export", (HttpRequest request, LeadExportService export, TimeProvider clock) =>
            {
                var filter = ExportFilter(request);
                return TypedResults.Stream(body => export.WriteCsvAsync(body, filter, request.HttpContext.RequestAborted), "text/csv; charset=utf-8",
                    $"leads-{clock.GetUtcNow():yyyy-MM-dd}.csv");
            })
            .WithDescription("The leads (all, or those matching ?q=, status=, tag=, campaign_id=, sequence_id=) as a CSV that POST /api/leads/import reads back.")
            .Query(new QueryParameterDoc("q", "Search text (email, name, company)."), new QueryParameterDoc("status", "Lead status."),
                new QueryParameterDoc("tag", "A tag the leads carry."), new QueryParameterDoc("campaign_id", "Leads of this campaign.", Format: "uuid"),
                new QueryParameterDoc("sequence_id", "Leads enrolled in this sequence.", Format: "uuid"));
        group.MapGet("/{id:guid}", async Task<Ok<LeadResponse>> (Guid id, LeadService leads, CancellationToken ct) =>
            TypedResults.Ok(LeadResponse.From(await leads.GetAsync(id, ct))));
        group.MapPut("/{id:guid}", async Task<Ok<LeadResponse>> (Guid id, LeadInput body, LeadService leads, CancellationToken ct) =>
            TypedResults.Ok(LeadResponse.From(await leads.UpdateAsync(id, body, ct))));
        group.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, HttpRequest request, LeadEraser eraser, CancellationToken ct) =>
        {
            await eraser.DeleteAsync(id, Flag(request, "suppress"), ct);
            return TypedResults.NoContent();
        }).WithDescription("Erases the lead and its history (enrollments, messages, events, log). ?suppress=true keeps its address on the suppression list.")
            .Query(new QueryParameterDoc("suppress", "true: keep the address on the suppression list.", JsonSchemaType.Boolean));
        return api;
    }

    /// <summary>The UI's CSV import for scripts: the same parsing, suggested mapping, validation and batches.</summary>
    private static async Task<Results<Ok<LeadImportResponse>, ProblemHttpResult>> ImportAsync(HttpRequest request, LeadImportService importer, CancellationToken ct)
    {
        var updateExisting = Flag(request, "update_existing");
        CsvDocument document;
        try
        {
            if (request.HasFormContentType)
            {
                var file = (await request.ReadFormAsync(ct)).Files.FirstOrDefault()
                           ?? throw new InputRejectedException("file", "required", "The form has no file; attach the CSV as a file.");
                await using var stream = file.OpenReadStream();
                document = await LeadImportService.ParseAsync(stream, ct);
            }
            else if (IsCsv(request.ContentType))
            {
                document = await LeadImportService.ParseAsync(request.Body, ct);
            }
            else
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                    detail: "Send the CSV as the body with Content-Type: text/csv, or as a file in a multipart/form-data form.");
            }
        }
        catch (CsvImportException e)
        {
            throw new InputRejectedException("file", "invalid_csv", e.Message);
        }
        var mapping = LeadImportService.SuggestMapping(document.Headers);
        var report = await importer.ImportAsync(document, mapping, updateExisting, ct: ct);
        return TypedResults.Ok(LeadImportResponse.From(report, document.Headers, mapping));
    }

    private static LeadFilter ExportFilter(HttpRequest request)
    {
        Guid? Id(string name) => request.Query[name].ToString() is { Length: > 0 } raw
            ? Guid.TryParse(raw, out var id) ? id : throw new InputRejectedException(name, "invalid_id", $"{name} must be an id.")
            : null;
        string? Text(string name) => request.Query[name].ToString() is { Length: > 0 } value ? value : null;
        return new LeadFilter(Text("q"), Text("status"), Text("tag"), Id("campaign_id"), Id("sequence_id"));
    }

    private static bool Flag(HttpRequest request, string name) => request.Query[name].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        _ => throw new InputRejectedException(name, "invalid_boolean", $"{name} must be true or false."),
    };

    private static bool IsCsv(string? contentType) =>
        contentType is not null && (contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)
                                    || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase));
}
