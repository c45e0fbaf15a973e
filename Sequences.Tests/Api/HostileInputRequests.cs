using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Sequences.Tests.Api;

/// <summary>One generated request: who sends it, what, and whether it uses the other tenant's ids.</summary>
public sealed record HostileRequest(string Method, string Path, HttpContent? Body, string Description, bool OtherTenantsIds = false)
{
    public override string ToString() => $"{Method} {Path} [{Description}]";
}

/// <summary>The ids of one tenant's rows, by the resource a route parameter names.</summary>
public sealed record TenantIds(Guid Sequence, Guid Step, Guid Lead, Guid Campaign, Guid Template, Guid Suppression)
{
    public Guid For(string resource, string parameter) => parameter switch
    {
        "stepId" => Step,
        "sequenceId" => Sequence,
        _ => resource switch
        {
            "sequences" => Sequence,
            "leads" => Lead,
            "campaigns" => Campaign,
            "templates" => Template,
            "suppressions" => Suppression,
            _ => Guid.NewGuid(),
        },
    };
}

/// <summary>
/// Hostile requests for every API endpoint the app maps (read from its EndpointDataSource, so a new endpoint is
/// covered without touching this file): malformed and other-tenant ids in paths, hostile query strings, and bodies of
/// the wrong type, size, depth and encoding, with SQL and Liquid injection and unicode edge cases in every known field.
/// </summary>
public static class HostileInputRequests
{
    public sealed record ApiRoute(string Method, RoutePattern Pattern)
    {
        public string Resource => Pattern.PathSegments.Count > 1 && Pattern.PathSegments[1].Parts[0] is RoutePatternLiteralPart literal ? literal.Content : "";
        public bool HasBody => Method is "POST" or "PUT";
        public override string ToString() => $"{Method} {Pattern.RawText}";
    }

    public static IReadOnlyList<ApiRoute> Routes(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/') is { } raw && raw.StartsWith("api/", StringComparison.Ordinal)
                        && !raw.StartsWith("api/docs", StringComparison.Ordinal)) // the anonymous API reference page, not the API
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new ApiRoute(m, e.RoutePattern)))
            .Where(r => r.Method is "GET" or "POST" or "PUT" or "DELETE")
            .DistinctBy(r => r.ToString())
            .ToList();

    /// <summary>Every field name the API's bodies use; a hostile value goes into all of them at once.</summary>
    private static readonly string[] Fields =
    [
        "name", "description", "status", "settings", "steps", "step_type", "step_order", "delay_days", "delay_hours", "subject_line",
        "body_html", "body_text", "condition_type", "condition_value", "action_type", "action_config", "send_time", "skip_to_step_id",
        "on_false_step_id", "variants", "email", "first_name", "last_name", "company", "title", "timezone", "tags", "custom", "sequence_id",
        "campaign_id", "enroll_existing", "criteria", "lead_ids", "step_ids", "lead", "start_at", "events", "horizon_days", "type", "from",
        "to", "subject", "message_id", "in_reply_to", "references", "text", "headers", "category", "lead_id", "format_version", "reason",
        "id", "position_x", "position_y", "send_window", "business_days_only", "tracking", "mapping", "dry_run",
    ];

    private static readonly (string Name, object? Value)[] Values =
    [
        ("number", 123), ("negative", -1), ("huge int", 99999999999999999999m), ("double max", double.MaxValue), ("min long", long.MinValue),
        ("bool", true), ("array", new object[] { 1, "x", null! }), ("object", new { nested = new { deeper = 1 } }), ("null", null),
        ("empty", ""), ("huge string", new string('x', 200_000)),
        ("sql", "'; DROP TABLE leads; -- \" OR 1=1 --"),
        ("liquid include", "{% include 'secrets' %}{% render '/etc/passwd' %}"),
        ("liquid members", "{{ lead | json }}{{ lead.tenant_id }}{{ tenant }}{{ lead.GetType }}{{ 'x' | append: lead.password }}"),
        ("liquid loop", "{% for i in (1..100000000) %}{{ i }}{% endfor %}"),
        ("liquid unclosed", "{{ lead.first_name "),
        ("unicode", "\u202e\u0000\u200b\ufeff\ud83d\ude00 e\u0301 \uffff"),
        ("unknown enum", "definitely_not_a_value"),
        ("path", "../../../../etc/passwd"),
        ("guid other", "00000000-0000-0000-0000-000000000001"),
        ("first date", "0001-01-01T00:00:00Z"), ("last date", "9999-12-31T23:00:00Z"),
        ("html", "<script>alert(1)</script><img src=x onerror=alert(2)>"),
        ("email-ish", "a@b@c..d"),
        ("time", "25:99"),
    ];

    private static string Deep(string open, string close, int depth) => string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));

    private static readonly (string Name, Func<HttpContent> Body)[] RawBodies =
    [
        ("no body", () => new StringContent("", Encoding.UTF8, "application/json")),
        ("truncated json", () => Json("{\"name\": \"x")),
        ("json null", () => Json("null")),
        ("json array", () => Json("[]")),
        ("json string", () => Json("\"str\"")),
        ("json number", () => Json("42")),
        ("deep arrays", () => Json(Deep("[", "]", 5_000))),
        ("deep objects", () => Json(Deep("{\"a\":", "}", 1_000))),
        ("lone surrogate", () => Json("{\"name\": \"\\ud800\", \"email\": \"\\udfff@x.io\"}")),
        ("invalid utf8", () => new ByteArrayContent([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]) { Headers = { ContentType = new("application/json") } }),
        ("duplicate keys", () => Json("{\"name\": \"a\", \"name\": \"b\", \"steps\": 1, \"steps\": []}")),
        ("comments and trailing commas", () => Json("{/* c */ \"name\": \"a\",}")),
        ("xml", () => new StringContent("<a>1</a>", Encoding.UTF8, "application/xml")),
        ("form", () => new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x" })),
        ("over 1 MB", () => Json("{\"name\": \"" + new string('x', 1_100_000) + "\"}")),
    ];

    private static readonly string[] BadIds =
        ["not-a-guid", "00000000-0000-0000-0000-000000000000", "' OR 1=1 --", "%E2%80%AE", "-1", "99999999999999999999999", new string('a', 300)];

    private static readonly string[] BadQueries =
        ["?page=-1&page_size=-5", "?page=0&page_size=100000000", "?page=abc&page_size=1e9", "?q=%27%20OR%201%3D1%20--&status=bogus",
         "?q=%00%E2%80%AE{{lead}}&sort=;drop", "?page=99999999999999999999"];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static IEnumerable<HostileRequest> For(ApiRoute route, TenantIds own, TenantIds other)
    {
        var path = Path(route, own);
        if (route.HasBody)
        {
            foreach (var (name, body) in RawBodies) yield return new(route.Method, path, body(), name);
            foreach (var (name, value) in Values)
            {
                var bag = Fields.ToDictionary(f => f, _ => value);
                yield return new(route.Method, path, Json(JsonSerializer.Serialize(bag)), $"every field {name}");
                // One hostile field in an otherwise plausible body gets further, into the handlers' validation.
                var plausible = new Dictionary<string, object?>
                {
                    ["name"] = "Hostile", ["email"] = $"h-{Guid.NewGuid():N}@example.com", ["step_type"] = "email",
                    ["subject_line"] = value, ["body_html"] = value, ["sequence_id"] = own.Sequence, ["step_ids"] = new[] { own.Step },
                    ["lead_ids"] = new[] { own.Lead }, ["custom"] = new Dictionary<string, object?> { ["k"] = value }, ["type"] = "reply",
                    ["steps"] = new[] { new Dictionary<string, object?> { ["step_type"] = value, ["delay_days"] = value } },
                };
                yield return new(route.Method, path, Json(JsonSerializer.Serialize(plausible)), $"plausible with {name}");
            }
        }
        else if (route.Method == "GET" && route.Pattern.Parameters.Count == 0)
        {
            foreach (var query in BadQueries) yield return new(route.Method, path + query, null, $"query {query}");
        }
        else
        {
            yield return new(route.Method, path, null, "own ids");
        }

        if (route.Pattern.Parameters.Count == 0) yield break;
        yield return new(route.Method, Path(route, other), route.HasBody ? Json("{}") : null, "other tenant's ids", OtherTenantsIds: true);
        foreach (var bad in BadIds)
            yield return new(route.Method, Path(route, own, bad), route.HasBody ? Json("{}") : null, $"malformed id {bad[..Math.Min(12, bad.Length)]}");
    }

    private static string Path(ApiRoute route, TenantIds ids, string? badId = null)
    {
        var builder = new StringBuilder();
        foreach (var segment in route.Pattern.PathSegments)
        {
            builder.Append('/');
            foreach (var part in segment.Parts)
                builder.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => badId is null ? ids.For(route.Resource, parameter.Name).ToString() : Uri.EscapeDataString(badId).Replace("%25", "%"),
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
        }
        return builder.ToString();
    }
}
