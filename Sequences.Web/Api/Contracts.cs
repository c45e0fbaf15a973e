using Sequences.Core.Campaigns;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Campaigns;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Web.Api;

public sealed record ListResponse<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public static ListResponse<TOut> From<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Total, page.PageNumber, page.PageSize);
}

public sealed record SequenceListItem(
    Guid Id, string Name, string? Description, SequenceStatus Status, int StepsCount, int Enrolled, int Active,
    int EmailsSent, int Replied, double ReplyRate, DateTime CreatedAt, DateTime UpdatedAt, Guid? UserId, string? OwnerName)
{
    public static SequenceListItem From(SequenceSummary s) =>
        new(s.Id, s.Name, s.Description, s.Status, s.StepsCount, s.Enrolled, s.Active, s.EmailsSent, s.Replied, s.ReplyRate, s.CreatedAt, s.UpdatedAt,
            s.UserId, s.OwnerName);
}

/// <summary>POST /api/sequences/{id}/owner: the teammate whose mailbox and name the sequence sends with.</summary>
public sealed record OwnerRequest(Guid? UserId);

/// <param name="Version">The live version.</param>
/// <param name="DraftVersion">The version being edited while the live one runs (null: none); <c>steps</c> are its steps.</param>
public sealed record SequenceResponse(
    Guid Id, Guid? UserId, string Name, string? Description, SequenceStatus Status, int StepsCount, int Version,
    SequenceSettings Settings, IReadOnlyList<StepResponse> Steps, DateTime CreatedAt, DateTime UpdatedAt, int? DraftVersion = null)
{
    public static SequenceResponse From(Sequence s) =>
        new(s.Id, s.UserId, s.Name, s.Description, s.Status, s.StepsCount, s.Version, s.Settings,
            s.Steps.OrderBy(x => x.StepOrder).Select(StepResponse.From).ToList(), s.CreatedAt, s.UpdatedAt, s.DraftVersion);
}

public sealed record VariantResponse(string Variant, string? SubjectLine, string? BodyHtml, string? BodyText, int Weight);

public sealed record StepResponse(
    Guid Id, Guid SequenceId, int Version, int StepOrder, StepType StepType, string? Name, Guid? EmailTemplateId,
    string? SubjectLine, string? BodyText, string? BodyHtml, int DelayDays, int DelayHours, string? SendTime,
    ConditionType? ConditionType, ConditionValue? ConditionValue, ActionType? ActionType, ActionConfig? ActionConfig,
    string? Variant, double? PositionX, double? PositionY, IReadOnlyList<VariantResponse> Variants,
    DateTime CreatedAt, DateTime UpdatedAt, AutoWinnerSettings? AutoWinner = null, WinnerDecision? Winner = null, Guid? SourceStepId = null,
    bool SameThread = false)
{
    public static StepResponse From(SequenceStep s) =>
        new(s.Id, s.SequenceId, s.Version, s.StepOrder, s.StepType, s.Name, s.EmailTemplateId, s.SubjectLine, s.BodyText,
            s.BodyHtml, s.DelayDays, s.DelayHours, s.SendTime, s.ConditionType, s.ConditionValue, s.ActionType,
            s.ActionConfig, s.Variant, s.PositionX, s.PositionY,
            s.Variants.OrderBy(v => v.Variant).Select(v => new VariantResponse(v.Variant, v.SubjectLine, v.BodyHtml, v.BodyText, v.Weight)).ToList(),
            s.CreatedAt, s.UpdatedAt, s.AutoWinner, s.Winner, s.SourceStepId, s.SameThread);
}

public sealed record ValidationResponse(bool Valid, IReadOnlyList<IssueDto> Errors, IReadOnlyList<IssueDto> Warnings)
{
    public static ValidationResponse From(IReadOnlyList<ValidationIssue> issues) => new(
        issues.All(i => i.Severity != IssueSeverity.Error),
        issues.Where(i => i.Severity == IssueSeverity.Error).Select(IssueDto.From).ToList(),
        issues.Where(i => i.Severity == IssueSeverity.Warning).Select(IssueDto.From).ToList());
}

public sealed record ReorderRequest(List<Guid>? StepIds);

public sealed record LeadResponse(
    Guid Id, string Email, string? Name, string? FirstName, string? LastName, string? Company, string? Title,
    string? Timezone, string? Country, string Status, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Custom,
    DateTime? UnsubscribedAt, DateTime? BouncedAt, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static LeadResponse From(Lead l) =>
        new(l.Id, l.Email, l.Name, l.FirstName, l.LastName, l.Company, l.Title, l.Timezone, l.Country, l.Status,
            l.Tags, l.Custom, l.UnsubscribedAt, l.BouncedAt, l.CreatedAt, l.UpdatedAt);
}

/// <summary>What a CSV import did; <c>columns</c> says which field each header fed (null: ignored).</summary>
public sealed record LeadImportResponse(
    int Rows, int Imported, int Updated, int Unchanged, int Duplicates, int Invalid, IReadOnlyList<ImportColumn> Columns,
    IReadOnlyList<RejectedRow> Rejected, string? Error)
{
    public static LeadImportResponse From(LeadImportReport r, IReadOnlyList<string> headers, LeadImportMapping mapping) =>
        new(r.Rows, r.Imported, r.Updated, r.Unchanged, r.Duplicates, r.Invalid,
            headers.Select((h, i) => new ImportColumn(h, i < mapping.Fields.Count ? mapping.Fields[i] : null)).ToList(), r.Rejected, r.Error);
}

public sealed record ImportColumn(string Header, string? Field);

public sealed record CampaignResponse(
    Guid Id, string Name, string? Description, string Status, int LeadCount, IReadOnlyList<Guid> SequenceIds,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CampaignResponse From(CampaignDetails d) =>
        new(d.Campaign.Id, d.Campaign.Name, d.Campaign.Description, d.Campaign.Status, d.LeadCount, d.SequenceIds,
            d.Campaign.CreatedAt, d.Campaign.UpdatedAt);
}

public sealed record AddLeadsRequest(List<Guid>? LeadIds);
