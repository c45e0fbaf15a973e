using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Identity;

namespace Sequences.Web.Api;

/// <param name="MailboxFrom">The address the user's sequences send from; null: the workspace's default sender.</param>
public sealed record UserResponse(Guid Id, string Email, string? DisplayName, bool Active, DateTime? DeactivatedAt, int SequencesOwned, string? MailboxFrom)
{
    public static UserResponse From(TeamMember m) => new(m.Id, m.Email, m.DisplayName, m.Active, m.DeactivatedAt, m.SequencesOwned, m.MailboxFrom);
}

/// <summary>Read-only: the ids an integration needs to hand a sequence to a teammate. Accounts are managed in the UI,
/// where a temporary password can be handed over in person.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/users").WithTags("Users")
            .MapGet("/", async Task<Ok<ListResponse<UserResponse>>> (HttpRequest request, TeamService team, ITenantContext tenant, CancellationToken ct) =>
                TypedResults.Ok(ListResponse<UserResponse>.From(await team.ListAsync(tenant.TenantId!.Value, Paging.Parse(request), ct), UserResponse.From)));
        return api;
    }
}
