using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sequences.Infrastructure.Observability;

namespace Sequences.Web.Observability;

/// <summary>
/// OTLP export of the engine's meter and pass traces (plus ASP.NET Core's), only when an endpoint is configured:
/// <c>OpenTelemetry:Endpoint</c> or the standard OTEL_EXPORTER_OTLP_ENDPOINT. Without one nothing is collected.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddSequencesTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["OpenTelemetry:Endpoint"] is { Length: > 0 } configured ? configured : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;
        var http = string.Equals(configuration["OpenTelemetry:Protocol"], "http", StringComparison.OrdinalIgnoreCase);
        var serviceName = configuration["OpenTelemetry:ServiceName"] is { Length: > 0 } name ? name : "sequences";

        // Over HTTP each signal has its own path; over gRPC the endpoint is the collector's address.
        void Exporter(OtlpExporterOptions o, string signal)
        {
            o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            o.Endpoint = new Uri(http ? $"{endpoint.TrimEnd('/')}/v1/{signal}" : endpoint);
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m.AddMeter(SequencesMetrics.Name).AddAspNetCoreInstrumentation().AddOtlpExporter(o => Exporter(o, "metrics")))
            .WithTracing(t => t.AddSource(SequencesMetrics.Name).AddAspNetCoreInstrumentation().AddOtlpExporter(o => Exporter(o, "traces")));
        return services;
    }
}
