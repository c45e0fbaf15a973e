using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Web.Api;

public static class SequencesApi
{
    public static IEndpointRouteBuilder MapSequencesApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sequences").WithTags("Sequences");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapPost("/import", Import);
        group.MapGet("/{id:guid}", Get);
        group.MapPut("/{id:guid}", Update);
        group.MapDelete("/{id:guid}", Delete);
        group.MapPost("/{id:guid}/duplicate", Duplicate);
        group.MapPost("/{id:guid}/owner", SetOwner);
        group.MapGet("/{id:guid}/validate", Validate);
        group.MapGet("/{id:guid}/export", Export);
        group.MapGet("/{id:guid}/versions", ListVersions);
        group.MapGet("/{id:guid}/versions/{version:int}", GetVersion);
        group.MapPost("/{id:guid}/publish", Publish);
        group.MapDelete("/{id:guid}/draft", DiscardDraft);

        var steps = group.MapGroup("/{id:guid}/steps").WithTags("Steps");
        steps.MapGet("/", ListSteps);
        steps.MapPost("/", AddStep);
        steps.MapPost("/reorder", Reorder);
        steps.MapGet("/{stepId:guid}", GetStep);
        steps.MapPut("/{stepId:guid}", UpdateStep);
        steps.MapDelete("/{stepId:guid}", DeleteStep);
        return api;
    }

    private static async Task<Ok<ListResponse<SequenceListItem>>> List(HttpRequest request, SequenceService sequences, string? status,
        [FromQuery(Name = "user_id")] string? userId, CancellationToken ct)
    {
        SequenceStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
            filter = Enum.TryParse<SequenceStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _)
                ? parsed
                : throw new InputRejectedException("status", "invalid_status", "status must be draft, active, paused or archived.");
        Guid? owner = string.IsNullOrEmpty(userId) ? null
            : Guid.TryParse(userId, out var id) ? id : throw new InputRejectedException("user_id", "invalid_id", "user_id must be a user's id (a GUID).");
        var page = await sequences.ListAsync(Paging.Parse(request), filter, owner, ct);
        return TypedResults.Ok(ListResponse<SequenceListItem>.From(page, SequenceListItem.From));
    }

    private static async Task<Created<SequenceResponse>> Create(SequenceInput body, SequenceService sequences, CancellationToken ct) =>
        Created(await sequences.CreateAsync(body, ct));

    private static async Task<Created<SequenceResponse>> Import(SequenceDocument body, SequenceService sequences, CancellationToken ct) =>
        Created(await sequences.ImportAsync(body, ct));

    private static async Task<Ok<SequenceResponse>> Get(Guid id, SequenceService sequences, CancellationToken ct) =>
        TypedResults.Ok(SequenceResponse.From(await sequences.GetAsync(id, ct)));

    private static async Task<Ok<SequenceResponse>> Update(Guid id, SequenceInput body, SequenceService sequences, CancellationToken ct) =>
        TypedResults.Ok(SequenceResponse.From(await sequences.UpdateAsync(id, body, ct)));

    private static async Task<NoContent> Delete(Guid id, SequenceService sequences, CancellationToken ct)
    {
        await sequences.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<SequenceResponse>> Duplicate(Guid id, SequenceService sequences, CancellationToken ct) =>
        Created(await sequences.DuplicateAsync(id, ct));

    private static async Task<Ok<SequenceResponse>> SetOwner(Guid id, OwnerRequest body, SequenceService sequences, CancellationToken ct) =>
        TypedResults.Ok(SequenceResponse.From(await sequences.SetOwnerAsync(id, body.UserId, ct)));

    private static async Task<Ok<ValidationResponse>> Validate(Guid id, SequenceService sequences, CancellationToken ct) =>
        TypedResults.Ok(ValidationResponse.From(await sequences.ValidateAsync(id, ct)));

    private static async Task<Ok<SequenceDocument>> Export(Guid id, SequenceService sequences, CancellationToken ct) =>
        TypedResults.Ok(await sequences.ExportAsync(id, ct));

    private static async Task<Ok<ListResponse<VersionSummary>>> ListVersions(Guid id, HttpRequest request, SequenceVersionService versions, CancellationToken ct) =>
        TypedResults.Ok(Paging.Slice(await versions.ListAsync(id, ct), request));

    /// <summary>The sequence as that version has it: its number and its steps (the sequence row names the live one).</summary>
    private static async Task<Ok<SequenceResponse>> GetVersion(Guid id, int version, SequenceService sequences, CancellationToken ct)
    {
        var sequence = await sequences.GetAsync(id, ct, version);
        return TypedResults.Ok(SequenceResponse.From(sequence) with { Version = version, StepsCount = sequence.Steps.Count });
    }

    /// <summary>Without a body: publish with the default mapping.</summary>
    private static async Task<Ok<PublishResult>> Publish(Guid id, PublishRequest? body, SequenceVersionService versions, CancellationToken ct) =>
        TypedResults.Ok(await versions.PublishAsync(id, body ?? new PublishRequest(null, false), ct));

    private static async Task<NoContent> DiscardDraft(Guid id, SequenceVersionService versions, CancellationToken ct)
    {
        await versions.DiscardDraftAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ListResponse<StepResponse>>> ListSteps(Guid id, HttpRequest request, StepService steps, CancellationToken ct) =>
        TypedResults.Ok(Paging.Slice((await steps.ListAsync(id, ct)).Select(StepResponse.From).ToList(), request, s => $"{s.Name}\n{s.SubjectLine}"));

    private static async Task<Ok<StepResponse>> GetStep(Guid id, Guid stepId, StepService steps, CancellationToken ct) =>
        TypedResults.Ok(StepResponse.From(await steps.GetAsync(id, stepId, ct)));

    private static async Task<Created<StepResponse>> AddStep(Guid id, StepInput body, StepService steps, CancellationToken ct)
    {
        var step = await steps.AddAsync(id, body, ct);
        return TypedResults.Created($"/api/sequences/{id}/steps/{step.Id}", StepResponse.From(step));
    }

    private static async Task<Ok<StepResponse>> UpdateStep(Guid id, Guid stepId, StepInput body, StepService steps, CancellationToken ct) =>
        TypedResults.Ok(StepResponse.From(await steps.UpdateAsync(id, stepId, body, ct)));

    private static async Task<NoContent> DeleteStep(Guid id, Guid stepId, StepService steps, CancellationToken ct)
    {
        await steps.DeleteAsync(id, stepId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<StepResponse>>> Reorder(Guid id, ReorderRequest body, StepService steps, CancellationToken ct) =>
        TypedResults.Ok((await steps.ReorderAsync(id, body.StepIds, ct)).Select(StepResponse.From).ToList());

    private static Created<SequenceResponse> Created(Sequence sequence) =>
        TypedResults.Created($"/api/sequences/{sequence.Id}", SequenceResponse.From(sequence));
}
