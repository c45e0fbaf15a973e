using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Sequences;
using Sequences.Core.Tenants;

namespace Sequences.Web.Api;

/// <summary>Running sequences: lifecycle, the queue, lead enrollments, campaign assignments, the simulator.</summary>
public static class EngineApi
{
    public static IEndpointRouteBuilder MapEngineApi(this IEndpointRouteBuilder api)
    {
        var sequences = api.MapGroup("/sequences").WithTags("Sequences");
        sequences.MapPost("/{id:guid}/start", async Task<Ok<SequenceResponse>> (Guid id, SequenceLifecycle life, CancellationToken ct) =>
            TypedResults.Ok(SequenceResponse.From(await life.StartAsync(id, ct))));
        sequences.MapPost("/{id:guid}/pause", async Task<Ok<SequenceResponse>> (Guid id, SequenceLifecycle life, CancellationToken ct) =>
            TypedResults.Ok(SequenceResponse.From(await life.PauseAsync(id, ct))));
        sequences.MapPost("/{id:guid}/resume", async Task<Ok<SequenceResponse>> (Guid id, SequenceLifecycle life, CancellationToken ct) =>
            TypedResults.Ok(SequenceResponse.From(await life.ResumeAsync(id, ct))));
        sequences.MapPost("/{id:guid}/archive", async Task<Ok<SequenceResponse>> (Guid id, SequenceLifecycle life, CancellationToken ct) =>
            TypedResults.Ok(SequenceResponse.From(await life.ArchiveAsync(id, ct))));
        sequences.MapGet("/{id:guid}/progress", async Task<Ok<SequenceProgress>> (Guid id, SequenceLifecycle life, CancellationToken ct) =>
            TypedResults.Ok(await life.ProgressAsync(id, ct)));
        sequences.MapPost("/{id:guid}/simulate", Simulate);
        sequences.MapPost("/{id:guid}/enroll", EnrollLeads);
        sequences.MapPost("/process-queue", async Task<Ok<ProcessQueueResponse>> (QueuePass pass, ITenantContext tenant, CancellationToken ct) =>
            TypedResults.Ok(ProcessQueueResponse.From(await pass.RunAsync(tenant.TenantId ?? throw new InvalidOperationException("No tenant."), ct))));
        sequences.MapGet("/queue-status", async Task<Ok<QueueStatusResponse>> (QueueHealth health, CancellationToken ct) =>
            TypedResults.Ok(QueueStatusResponse.From(await health.StatusAsync(ct))));

        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapPost("/{id:guid}/assign-sequence", async Task<Ok<EnrollmentResponse>> (Guid id, AssignLeadRequest body, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok(EnrollmentResponse.From(await enrollments.EnrollAsync(id, body.SequenceId, body.CampaignId, ct))));
        leads.MapPost("/{id:guid}/pause-sequence", async Task<Ok<EnrollmentResponse>> (Guid id, SequenceRef body, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok(EnrollmentResponse.From(await enrollments.PauseAsync(id, body.SequenceId, ct))));
        leads.MapPost("/{id:guid}/resume-sequence", async Task<Ok<EnrollmentResponse>> (Guid id, SequenceRef body, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok(EnrollmentResponse.From(await enrollments.ResumeAsync(id, body.SequenceId, ct))));
        leads.MapPost("/{id:guid}/skip-step", async Task<Ok<EnrollmentResponse>> (Guid id, SequenceRef body, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok(EnrollmentResponse.From(await enrollments.SkipStepAsync(id, body.SequenceId, ct))));
        leads.MapPost("/{id:guid}/snooze-sequence", async Task<Ok<EnrollmentResponse>> (Guid id, SnoozeRequest body, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok(EnrollmentResponse.From(await enrollments.SnoozeAsync(id, body.SequenceId, body.Until, ct))));
        leads.MapGet("/{id:guid}/sequence-state", async Task<Ok<List<EnrollmentResponse>>> (Guid id, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok((await enrollments.ListForLeadAsync(id, ct)).Select(EnrollmentResponse.From).ToList()));

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapPost("/{id:guid}/assign-sequence", async Task<Ok<AssignmentResult>> (Guid id, AssignCampaignSequenceRequest body, CampaignService service, CancellationToken ct) =>
            TypedResults.Ok(await service.AssignSequenceAsync(id, new AssignSequenceInput(body.SequenceId, body.EnrollExisting ?? false, body.Criteria), ct)));
        campaigns.MapGet("/{id:guid}/sequences", async Task<Ok<ListResponse<AssignmentResult>>> (Guid id, HttpRequest request, CampaignService service, CancellationToken ct) =>
            TypedResults.Ok(Paging.Slice(await service.ListSequencesAsync(id, ct), request)));
        campaigns.MapDelete("/{id:guid}/sequences/{sequenceId:guid}", async Task<NoContent> (Guid id, Guid sequenceId, CampaignService service, CancellationToken ct) =>
        {
            await service.RemoveSequenceAsync(id, sequenceId, ct);
            return TypedResults.NoContent();
        });
        return api;
    }

    /// <summary>Enrolls up to <see cref="CampaignService.MaxLeadsPerCall"/> leads by hand, as the leads page's bulk bar does.</summary>
    private static async Task<Ok<BulkEnrollResponse>> EnrollLeads(Guid id, AddLeadsRequest body, EnrollmentService enrollments, CancellationToken ct)
    {
        if (body.LeadIds is { Count: > CampaignService.MaxLeadsPerCall })
            throw new InputRejectedException("lead_ids", "too_many", $"At most {CampaignService.MaxLeadsPerCall} lead ids per call.");
        var result = await enrollments.EnrollLeadsAsync(id, body.LeadIds, ct: ct);
        return TypedResults.Ok(new BulkEnrollResponse(result.Enrolled, result.AlreadyEnrolled, result.Suppressed));
    }

    private static async Task<Ok<TimelineResponse>> Simulate(Guid id, SimulateRequest body, SequenceService sequences, SequencePreviewService preview, CancellationToken ct)
    {
        var sequence = await sequences.GetAsync(id, ct);
        var document = new SequenceInput { Name = sequence.Name, Settings = sequence.Settings, Steps = sequence.Steps.OrderBy(s => s.StepOrder).Select(StepMapper.ToInput).ToList() };
        var request = new SimulationRequest(body.Lead?.Timezone, body.StartAt,
            body.Events?.Select(e => new SimulationEventInput(e.Type, e.AfterStepId, e.AfterHours)).ToList(), body.HorizonDays, body.Lead?.Country);
        var result = await preview.SimulateAsync(document, request, sequence.Id, ct);
        return TypedResults.Ok(new TimelineResponse(result.Timeline));
    }
}
