using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Tracking;
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
        leads.MapGet("/{id:guid}/sequence-state", async Task<Ok<List<EnrollmentResponse>>> (Guid id, EnrollmentService enrollments, CancellationToken ct) =>
            TypedResults.Ok((await enrollments.ListForLeadAsync(id, ct)).Select(EnrollmentResponse.From).ToList()));

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapPost("/{id:guid}/assign-sequence", async Task<Ok<AssignmentResult>> (Guid id, AssignCampaignSequenceRequest body, CampaignService service, CancellationToken ct) =>
            TypedResults.Ok(await service.AssignSequenceAsync(id, new AssignSequenceInput(body.SequenceId, body.EnrollExisting ?? false, body.Criteria), ct)));
        campaigns.MapGet("/{id:guid}/sequences", async Task<Ok<IReadOnlyList<AssignmentResult>>> (Guid id, CampaignService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListSequencesAsync(id, ct)));
        campaigns.MapDelete("/{id:guid}/sequences/{sequenceId:guid}", async Task<NoContent> (Guid id, Guid sequenceId, CampaignService service, CancellationToken ct) =>
        {
            await service.RemoveSequenceAsync(id, sequenceId, ct);
            return TypedResults.NoContent();
        });
        return api;
    }

    private static async Task<Ok<TimelineResponse>> Simulate(Guid id, SimulateRequest body, SequenceService sequences, TimeProvider clock, CancellationToken ct)
    {
        var sequence = await sequences.GetAsync(id, ct);
        var issues = new List<ValidationIssue>();
        if (body.Lead?.Timezone is { } tz && !TimeZones.IsIana(tz))
            issues.Add(ValidationIssue.Error("lead.timezone", "invalid_timezone", $"'{tz}' is not an IANA time zone."));
        var horizon = body.HorizonDays ?? 60;
        if (horizon is < 1 or > Simulator.MaxHorizonDays)
            issues.Add(ValidationIssue.Error("horizon_days", "out_of_range", $"horizon_days must be from 1 to {Simulator.MaxHorizonDays}."));
        var events = new List<SimulatedEvent>();
        var stepIds = sequence.Steps.Select(s => s.Id).ToHashSet();
        for (var i = 0; i < (body.Events?.Count ?? 0); i++)
        {
            var e = body.Events![i];
            var type = e.Type switch { "opened" => EngagementType.Opened, "clicked" => EngagementType.Clicked, "replied" => EngagementType.Replied, _ => (EngagementType?)null };
            if (type is null) issues.Add(ValidationIssue.Error($"events[{i}].type", "invalid_event", "type must be opened, clicked or replied."));
            if (e.AfterStepId is not { } sid || !stepIds.Contains(sid)) issues.Add(ValidationIssue.Error($"events[{i}].after_step_id", "unknown_step", "after_step_id must name a step of this sequence."));
            if (e.AfterHours is not { } h || h < 0 || h > 24 * Simulator.MaxHorizonDays || !double.IsFinite(h)) issues.Add(ValidationIssue.Error($"events[{i}].after_hours", "out_of_range", "after_hours must be a number of hours from 0."));
            if (type is { } t && e.AfterStepId is { } s && e.AfterHours is { } hours) events.Add(new SimulatedEvent(t, s, hours));
        }
        if (issues.Count > 0) throw new InputRejectedException(issues);

        var zone = TimeZones.Resolve(body.Lead?.Timezone, sequence.Settings.Timezone);
        var start = body.StartAt is { } at ? DateTime.SpecifyKind(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at, DateTimeKind.Utc) : clock.GetUtcNow().UtcDateTime;
        var plan = new SequencePlan(sequence.Id, sequence.Steps, sequence.Settings);
        return TypedResults.Ok(new TimelineResponse(Simulator.Run(plan, zone, start, events, horizon)));
    }
}
