using Sequences.Core.Common;

namespace Sequences.Core.Templates;

public sealed class EmailTemplate : TenantEntity
{
    public required string Name { get; set; }
    public string? Category { get; set; }
    public string? SubjectLine { get; set; }
    public string? BodyHtml { get; set; }
    public string? BodyText { get; set; }
}
