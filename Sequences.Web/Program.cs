using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Scalar.AspNetCore;
using Sequences.Infrastructure;
using Sequences.Infrastructure.Identity;
using Sequences.Web.Api;
using Sequences.Web.Auth;
using Sequences.Web.Components;
using Sequences.Web.Hosting;
using Sequences.Web.Observability;
using Sequences.Web.Security;
using Sequences.Web.Tracking;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddRootAppSettings(builder.Environment);
builder.WebHost.UseStaticWebAssets();
builder.Services.AddSequencesInfrastructure(builder.Configuration);
builder.Services.AddSequencesWeb();
builder.Services.AddSequencesRateLimits(builder.Configuration);
builder.Services.AddSequencesTelemetry(builder.Configuration);

var app = builder.Build();
await app.InitializeDatabaseAsync();
app.LearnPublicUrl();

app.UseSecurityHeaders();
app.UseNulFreeQueries();
app.UseExceptionHandler();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseApiProblemStatusCodes();
app.UseBodySizeLimit();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseTenantContext();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/api/docs").AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapGroup("/api").RequireAuthorization(AuthSetup.ApiPolicy).DisableAntiforgery()
    .MapSequencesApi().MapLeadsApi().MapCampaignsApi().MapEngineApi().MapSuppressionsApi()
    .MapAnalyticsApi().MapInboundApi().MapTemplatesApi().MapExplainApi().MapUsersApi();
app.MapTrackingEndpoints();
app.MapPost("/logout", async (SignInManager<AppUser> signIn) =>
{
    await signIn.SignOutAsync();
    return TypedResults.LocalRedirect("/login");
}).WithMetadata(new RequireAntiforgeryTokenAttribute());
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
