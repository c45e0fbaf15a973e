using Sequences.Core.Common;
using Sequences.Core.Leads;

namespace Sequences.Web.Components.Pages.Leads;

/// <summary>The lead's editable fields as the edit dialog shows them: tags as one comma-separated line, custom fields
/// as rows. <see cref="ToInput"/> gives what the API's PUT takes, so both are checked by <see cref="LeadValidator"/>.</summary>
public sealed class LeadEditForm
{
    public string? Email { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Name { get; set; }
    public string? Company { get; set; }
    public string? Title { get; set; }
    public string? Timezone { get; set; }
    public string? Country { get; set; }
    public string? Status { get; set; }
    public string? Tags { get; set; }
    public List<CustomFieldRow> Custom { get; } = [];

    public static LeadEditForm From(Lead lead)
    {
        var form = new LeadEditForm
        {
            Email = lead.Email, FirstName = lead.FirstName, LastName = lead.LastName, Name = lead.Name, Company = lead.Company, Title = lead.Title,
            Timezone = lead.Timezone, Country = lead.Country, Status = lead.Status, Tags = string.Join(", ", lead.Tags),
        };
        form.Custom.AddRange(lead.Custom.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CustomFieldRow { Key = kv.Key, Value = kv.Value }));
        return form;
    }

    /// <summary>Blank fields become absent; a custom row with neither name nor value is ignored.</summary>
    public LeadInput ToInput() => new()
    {
        Email = Blank(Email),
        FirstName = Blank(FirstName),
        LastName = Blank(LastName),
        Name = Blank(Name),
        Company = Blank(Company),
        Title = Blank(Title),
        Timezone = Blank(Timezone),
        Country = Blank(Country),
        Status = Blank(Status),
        Tags = LeadTags.Parse(Tags),
        Custom = FilledCustom().GroupBy(r => r.Key!.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value ?? ""),
    };

    /// <summary>What the server would refuse, plus two custom fields of one name, which the form would otherwise merge.</summary>
    public IReadOnlyList<ValidationIssue> Validate()
    {
        // The form's own checks come first: their messages speak of the rows a person sees.
        var issues = new List<ValidationIssue>();
        var named = FilledCustom().ToList();
        if (named.Any(r => string.IsNullOrWhiteSpace(r.Key)))
            issues.Add(ValidationIssue.Error("custom", "invalid_custom", "Every custom field needs a name."));
        if (named.Where(r => !string.IsNullOrWhiteSpace(r.Key)).GroupBy(r => r.Key!.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            issues.Add(ValidationIssue.Error("custom", "duplicate_custom", $"The custom field {twice.Key} appears twice."));
        issues.AddRange(LeadValidator.Validate(ToInput()));
        return issues;
    }

    private IEnumerable<CustomFieldRow> FilledCustom() =>
        Custom.Where(r => !string.IsNullOrWhiteSpace(r.Key) || !string.IsNullOrWhiteSpace(r.Value));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed class CustomFieldRow
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}
