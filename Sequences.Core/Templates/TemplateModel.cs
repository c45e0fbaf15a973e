using Fluid.Values;
using Sequences.Core.Leads;

namespace Sequences.Core.Templates;

/// <summary>
/// What a template may read: plain values, lists and string-keyed dictionaries, nothing else.
/// Dictionaries rather than objects, so the snake_case names of the API work in templates
/// (<c>{{ lead.first_name }}</c>) and no CLR member is ever reachable.
/// </summary>
public sealed class TemplateModel(IReadOnlyDictionary<string, object?> values)
{
    private KeyValuePair<string, FluidValue>[]? _fluidValues;

    public IReadOnlyDictionary<string, object?> Values { get; } = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>The values as Fluid reads them, converted once: one email renders its subject, html and text from
    /// the same model.</summary>
    internal IReadOnlyList<KeyValuePair<string, FluidValue>> FluidValues =>
        _fluidValues ??= Values.Select(v => KeyValuePair.Create(v.Key, TemplateValues.From(v.Value))).ToArray();

    /// <summary>The <c>lead.*</c> fields; validation treats every other <c>lead.</c> path as unknown.</summary>
    public static IReadOnlyList<string> LeadFields { get; } =
        ["id", "email", "name", "first_name", "last_name", "company", "title", "timezone", "country", "status", "tags"];

    public static TemplateModel Empty { get; } = new(new Dictionary<string, object?>());

    public static TemplateModel For(Lead lead, string? userName, string? userEmail, string? campaignName, string? unsubscribeUrl)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var leadValues = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = lead.Id.ToString(),
            ["email"] = lead.Email,
            ["name"] = lead.Name,
            ["first_name"] = lead.FirstName,
            ["last_name"] = lead.LastName,
            ["company"] = lead.Company,
            ["title"] = lead.Title,
            ["timezone"] = lead.Timezone,
            ["country"] = lead.Country,
            ["status"] = lead.Status,
            ["tags"] = lead.Tags.ToArray(),
        };
        return new TemplateModel(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["lead"] = leadValues,
            ["user"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = userName, ["email"] = userEmail },
            ["campaign"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = campaignName },
            // A copy: the model must not change if the lead is edited while a render runs.
            ["custom"] = new Dictionary<string, string>(lead.Custom, StringComparer.Ordinal),
            ["unsubscribe_url"] = unsubscribeUrl,
        });
    }
}
