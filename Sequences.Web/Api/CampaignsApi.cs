using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Campaigns;
using Sequences.Infrastructure.Campaigns;

namespace Sequences.Web.Api;

public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/campaigns").WithTags("Campaigns");
        group.MapGet("/", async Task<Ok<ListResponse<CampaignResponse>>> (HttpRequest request, CampaignService campaigns, CancellationToken ct) =>
            TypedResults.Ok(ListResponse<CampaignResponse>.From(await campaigns.ListAsync(Paging.Parse(request), ct), CampaignResponse.From)));
        group.MapPost("/", async Task<Created<CampaignResponse>> (CampaignInput body, CampaignService campaigns, CancellationToken ct) =>
        {
            var campaign = await campaigns.CreateAsync(body, ct);
            return TypedResults.Created($"/api/campaigns/{campaign.Campaign.Id}", CampaignResponse.From(campaign));
        });
        group.MapGet("/{id:guid}", async Task<Ok<CampaignResponse>> (Guid id, CampaignService campaigns, CancellationToken ct) =>
            TypedResults.Ok(CampaignResponse.From(await campaigns.GetAsync(id, ct))));
        group.MapPut("/{id:guid}", async Task<Ok<CampaignResponse>> (Guid id, CampaignInput body, CampaignService campaigns, CancellationToken ct) =>
            TypedResults.Ok(CampaignResponse.From(await campaigns.UpdateAsync(id, body, ct))));
        group.MapPost("/{id:guid}/leads", async Task<Ok<AddLeadsResult>> (Guid id, AddLeadsRequest body, CampaignService campaigns, CancellationToken ct) =>
            TypedResults.Ok(await campaigns.AddLeadsAsync(id, body.LeadIds, ct)));
        group.MapDelete("/{id:guid}/leads/{leadId:guid}", async Task<NoContent> (Guid id, Guid leadId, CampaignService campaigns, CancellationToken ct) =>
        {
            await campaigns.RemoveLeadAsync(id, leadId, ct);
            return TypedResults.NoContent();
        }).WithDescription("Takes the lead out of the campaign; its running enrollments from the campaign stop (reason \"removed\").");
        return api;
    }
}
