namespace Sequences.Core.Common;

/// <summary>
/// The words a person reads for a field. Issues keep the API's field names (subject_line, delay_days) for programs;
/// their messages name the field as the editors label it.
/// </summary>
public static class FieldLabels
{
    /// <summary>The label of <paramref name="field"/> (its last part, so "variants[0].subject_line" too), or the
    /// name itself when it has none.</summary>
    public static string Of(string field) => field[(field.LastIndexOf('.') + 1)..] switch
    {
        "subject_line" => "subject",
        "body_html" => "HTML body",
        "body_text" => "plain-text body",
        "delay_days" => "days to wait",
        "delay_hours" => "hours to wait",
        var name => name,
    };
}
