using System.Net.Mail;
using System.Text.RegularExpressions;
using Sequences.Core.Common;

namespace Sequences.Core.Leads;

public sealed record LeadInput
{
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Company { get; init; }
    public string? Title { get; init; }
    public string? Timezone { get; init; }
    public string? Country { get; init; }
    public string? Status { get; init; }
    public List<string>? Tags { get; init; }
    public Dictionary<string, string>? Custom { get; init; }
}

public static partial class LeadValidator
{
    public static List<ValidationIssue> Validate(LeadInput input)
    {
        var issues = new List<ValidationIssue>();
        if (string.IsNullOrWhiteSpace(input.Email))
            issues.Add(ValidationIssue.Error("email", "invalid_email", "The email address is missing."));
        else if (!EmailAddresses.IsValid(input.Email))
            issues.Add(ValidationIssue.Error("email", "invalid_email", $"'{input.Email}' is not a valid email address."));
        if (input.Timezone is not null && !TimeZones.IsIana(input.Timezone))
            issues.Add(ValidationIssue.Error("timezone", "invalid_timezone", $"'{input.Timezone}' is not an IANA time zone (e.g. America/New_York)."));
        if (input.Country is not null && !CountryCode().IsMatch(input.Country))
            issues.Add(ValidationIssue.Error("country", "invalid_country", "country must be a two-letter ISO 3166 code."));
        foreach (var (field, value) in new[] { ("name", input.Name), ("first_name", input.FirstName), ("last_name", input.LastName), ("company", input.Company), ("title", input.Title), ("status", input.Status) })
            if (value is { Length: > 200 })
                issues.Add(ValidationIssue.Error(field, "too_long", $"{field} is longer than 200 characters."));
        if (input.Tags is { } tags && (tags.Count > 100 || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 100)))
            issues.Add(ValidationIssue.Error("tags", "invalid_tags", "tags must be at most 100 non-empty strings of up to 100 characters."));
        if (input.Custom is { } custom && (custom.Count > 100 || custom.Any(kv => !FieldName().IsMatch(kv.Key) || kv.Value is { Length: > 2000 })))
            issues.Add(ValidationIssue.Error("custom", "invalid_custom", "custom takes up to 100 fields named with letters, digits and _ whose values are strings up to 2000 characters."));
        return issues;
    }

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    public static partial Regex FieldName();
}

/// <summary>The app's one check of an address (leads, teammates, mailboxes, test sends, suppressions).</summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's limits: 254 characters in all and 64 before the @; longer ones no mail server takes.</summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 254 && !value.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && parsed.User.Length <= 64
        && parsed.Host.Contains('.') && !parsed.Host.StartsWith('.') && !parsed.Host.EndsWith('.');

    public static string Normalize(string value) => value.Trim().ToLowerInvariant();
}

/// <summary>Tags typed or imported as one text: separated by commas or semicolons (a CSV cell uses ";", as its
/// commas separate columns; a person types ","), so both forms mean the same everywhere.</summary>
public static class LeadTags
{
    public static List<string> Parse(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
