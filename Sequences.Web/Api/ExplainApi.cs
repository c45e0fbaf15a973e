using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sequences.Core.Explain;
using Sequences.Infrastructure.Explain;

namespace Sequences.Web.Api;

/// <summary>"Why not sent": every step of one enrollment, done, next (and why then) or blocked (and why).</summary>
public static class ExplainApi
{
    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapGet("/{id:guid}/explain", async Task<Ok<Explanation>> (Guid id, [FromQuery(Name = "sequence_id")] Guid? sequenceId, ExplainService explainer, CancellationToken ct) =>
            TypedResults.Ok(await explainer.ExplainAsync(id, sequenceId, ct)));
        return api;
    }
}
