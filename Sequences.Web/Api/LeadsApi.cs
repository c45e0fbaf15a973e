using Microsoft.AspNetCore.Http.HttpResults;
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
        group.MapGet("/{id:guid}", async Task<Ok<LeadResponse>> (Guid id, LeadService leads, CancellationToken ct) =>
            TypedResults.Ok(LeadResponse.From(await leads.GetAsync(id, ct))));
        group.MapPut("/{id:guid}", async Task<Ok<LeadResponse>> (Guid id, LeadInput body, LeadService leads, CancellationToken ct) =>
            TypedResults.Ok(LeadResponse.From(await leads.UpdateAsync(id, body, ct))));
        return api;
    }
}
