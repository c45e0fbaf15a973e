namespace Sequences.Core.Templates;

/// <summary>
/// The words a person reads for an email's content fields. Issues keep the API's field names (subject_line,
/// body_html, body_text) for programs; their messages name the field as the editors label it.
/// </summary>
public static class ContentFields
{
    public static string Label(string field) => field switch
    {
        "subject_line" => "subject",
        "body_html" => "HTML body",
        "body_text" => "plain-text body",
        _ => field,
    };
}
