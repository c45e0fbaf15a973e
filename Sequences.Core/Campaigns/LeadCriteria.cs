using Sequences.Core.Common;
using Sequences.Core.Leads;

namespace Sequences.Core.Campaigns;

/// <summary>One filter on a lead: <c>{"field": "title", "op": "contains", "value": "VP"}</c>,
/// <c>{"field": "tags", "op": "includes", "value": "trial"}</c>, <c>{"field": "custom.plan", "op": "equals", "value": "pro"}</c>.</summary>
public sealed record LeadCriterion(string? Field, string? Op, string? Value);

/// <summary>Which campaign leads enter an assigned sequence: all criteria must match (case-insensitive).</summary>
public static class LeadCriteria
{
    public static readonly string[] Fields = ["email", "name", "first_name", "last_name", "company", "title", "timezone", "country", "status", "tags"];
    public static readonly string[] Ops = ["equals", "not_equals", "contains", "starts_with", "ends_with", "includes", "exists"];

    public static List<ValidationIssue> Validate(IReadOnlyList<LeadCriterion>? criteria, string prefix = "criteria")
    {
        var issues = new List<ValidationIssue>();
        if (criteria is null) return issues;
        if (criteria.Count > 20) issues.Add(ValidationIssue.Error(prefix, "too_many", "At most 20 criteria."));
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            var p = $"{prefix}[{i}]";
            if (c is null) { issues.Add(ValidationIssue.Error(p, "required", "A criterion must be an object.")); continue; }
            var customField = c.Field is { } f && f.StartsWith("custom.") && LeadValidator.FieldName().IsMatch(f["custom.".Length..]);
            if (c.Field is null || (!Fields.Contains(c.Field) && !customField))
                issues.Add(ValidationIssue.Error($"{p}.field", "unknown_field", $"field must be one of {string.Join(", ", Fields)} or custom.<name>."));
            if (c.Op is null || !Ops.Contains(c.Op))
                issues.Add(ValidationIssue.Error($"{p}.op", "unknown_op", $"op must be one of {string.Join(", ", Ops)}."));
            else if (c.Op != "exists" && string.IsNullOrEmpty(c.Value))
                issues.Add(ValidationIssue.Error($"{p}.value", "required", "value is required for this op."));
            if (c.Value is { Length: > 200 }) issues.Add(ValidationIssue.Error($"{p}.value", "too_long", "value is longer than 200 characters."));
        }
        return issues;
    }

    public static bool Matches(Lead lead, IReadOnlyList<LeadCriterion>? criteria) =>
        criteria is null || criteria.All(c => Matches(lead, c));

    private static bool Matches(Lead lead, LeadCriterion c)
    {
        if (c.Field == "tags")
        {
            return c.Op switch
            {
                "includes" or "equals" => lead.Tags.Contains(c.Value ?? "", StringComparer.OrdinalIgnoreCase),
                "not_equals" => !lead.Tags.Contains(c.Value ?? "", StringComparer.OrdinalIgnoreCase),
                "exists" => lead.Tags.Count > 0,
                _ => lead.Tags.Any(t => Compare(t, c.Op, c.Value)),
            };
        }
        var value = Value(lead, c.Field);
        return c.Op == "exists" ? !string.IsNullOrEmpty(value) : Compare(value, c.Op, c.Value);
    }

    private static bool Compare(string? actual, string? op, string? expected)
    {
        actual ??= "";
        expected ??= "";
        const StringComparison ci = StringComparison.OrdinalIgnoreCase;
        return op switch
        {
            "equals" => actual.Equals(expected, ci),
            "not_equals" => !actual.Equals(expected, ci),
            "contains" or "includes" => actual.Contains(expected, ci),
            "starts_with" => actual.StartsWith(expected, ci),
            "ends_with" => actual.EndsWith(expected, ci),
            _ => false,
        };
    }

    private static string? Value(Lead lead, string? field) => field switch
    {
        "email" => lead.Email,
        "name" => lead.Name,
        "first_name" => lead.FirstName,
        "last_name" => lead.LastName,
        "company" => lead.Company,
        "title" => lead.Title,
        "timezone" => lead.Timezone,
        "country" => lead.Country,
        "status" => lead.Status,
        _ when field?.StartsWith("custom.") == true => lead.Custom.GetValueOrDefault(field["custom.".Length..]),
        _ => null,
    };
}
