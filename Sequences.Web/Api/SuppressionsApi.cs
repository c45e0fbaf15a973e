using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Suppressions;

namespace Sequences.Web.Api;

public sealed record SuppressionResponse(Guid Id, string Email, string Reason, DateTime CreatedAt)
{
    public static SuppressionResponse From(Suppression s) => new(s.Id, s.Email, s.Reason, s.CreatedAt);
}

public static class SuppressionsApi
{
    public static IEndpointRouteBuilder MapSuppressionsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/suppressions").WithTags("Suppressions");
        group.MapGet("/", async Task<Ok<ListResponse<SuppressionResponse>>> (HttpRequest request, SuppressionService service, CancellationToken ct) =>
            TypedResults.Ok(ListResponse<SuppressionResponse>.From(await service.ListAsync(Paging.Parse(request), ct), SuppressionResponse.From)));
        group.MapPost("/", async Task<Created<SuppressionResponse>> (SuppressionInput body, SuppressionService service, CancellationToken ct) =>
        {
            var suppression = await service.AddAsync(body, ct);
            return TypedResults.Created($"/api/suppressions/{suppression.Id}", SuppressionResponse.From(suppression));
        });
        group.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, SuppressionService service, CancellationToken ct) =>
        {
            await service.RemoveAsync(id, ct);
            return TypedResults.NoContent();
        });
        return api;
    }
}
