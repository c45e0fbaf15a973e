using Microsoft.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Sequences.Core.Common;
using Sequences.Infrastructure.Analytics;

namespace Sequences.Web.Api;

public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/sequences").WithTags("Analytics")
            .MapGet("/{id:guid}/analytics", async Task<Ok<SequenceAnalytics>> (Guid id, HttpRequest request, AnalyticsService analytics, CancellationToken ct) =>
                TypedResults.Ok(await analytics.ForSequenceAsync(id, Parse(request), ct)))
            .Query(new QueryParameterDoc("campaign_id", "Only enrollments that came from this campaign.", Format: "uuid"),
                new QueryParameterDoc("version", "Only this version of the sequence.", JsonSchemaType.Integer),
                new QueryParameterDoc("from", "Start of the time range (ISO 8601).", Format: "date-time"),
                new QueryParameterDoc("to", "End of the time range (ISO 8601).", Format: "date-time"));
        return api;
    }

    private static AnalyticsQuery Parse(HttpRequest request)
    {
        var issues = new List<ValidationIssue>();
        Guid? campaign = null;
        var raw = request.Query["campaign_id"].ToString();
        if (raw.Length > 0)
        {
            if (Guid.TryParse(raw, out var id)) campaign = id;
            else issues.Add(ValidationIssue.Error("campaign_id", "invalid_id", "campaign_id must be a UUID."));
        }
        int? version = null;
        var rawVersion = request.Query["version"].ToString();
        if (rawVersion.Length > 0)
        {
            if (int.TryParse(rawVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1) version = v;
            else issues.Add(ValidationIssue.Error("version", "invalid_version", "version must be a positive whole number."));
        }
        var from = Date(request, "from", issues);
        var to = Date(request, "to", issues);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        return new AnalyticsQuery(campaign, from, to, version);
    }

    private static DateTime? Date(HttpRequest request, string name, List<ValidationIssue> issues)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0) return null;
        if (DateTime.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var value))
            return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        issues.Add(ValidationIssue.Error(name, "invalid_date", $"{name} must be an ISO 8601 date or time."));
        return null;
    }
}
