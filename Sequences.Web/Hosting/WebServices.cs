using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MudBlazor.Services;
using Sequences.Core.Common;
using Sequences.Infrastructure.Observability;
using Sequences.Infrastructure.Persistence;
using Sequences.Web.Api;
using Sequences.Web.Auth;

namespace Sequences.Web.Hosting;

public static class WebServices
{
    public const long MaxBodyBytes = 1024 * 1024;

    public static IServiceCollection AddSequencesWeb(this IServiceCollection services)
    {
        // The default 32 KB per message ended the circuit, silently, when a marketer pasted a newsletter's HTML: the
        // editors send whole bodies, up to StepShapeValidator.MaxBodyLength characters (3 bytes each at worst), with room.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 4 * 1024 * 1024);
        services.AddMudServices();
        services.AddSequencesAuth();
        services.ConfigureHttpJsonOptions(o => JsonDefaults.Configure(o.SerializerOptions).Converters.Add(new NulFreeStringConverter()));
        // Binding failures throw, so the one exception handler turns them into problem details naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddQueryDocs().AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Sequences API";
            doc.Info.Description = "Multi-touch email sequences. Authenticate with 'Authorization: Bearer <api key>'.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddDbContextCheck<SequencesDbContext>("database").AddSequencesChecks();
        return services;
    }

    /// <summary>Bodies over 1 MB are refused before they are read (Kestrel enforces the same limit on streams).</summary>
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await Results.Problem(title: "Payload too large", detail: "The request body is larger than 1 MB.", statusCode: 413).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
