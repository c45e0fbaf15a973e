using Sequences.Core.Common;
using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>The settings dialog's editable copy of a sequence's <see cref="SequenceSettings"/>: the document changes only
/// when the whole form is valid, so a half-typed time never reaches it.</summary>
public sealed class SequenceSettingsForm
{
    private readonly SequenceSettings _original;

    public SequenceSettingsForm(SequenceSettings settings)
    {
        _original = settings;
        Timezone = settings.Timezone;
        WindowStart = settings.SendWindow?.Start ?? new SendWindow().Start;
        WindowEnd = settings.SendWindow?.End ?? new SendWindow().End;
        BusinessDaysOnly = settings.BusinessDaysOnly;
        SkipHolidays = settings.SkipHolidays;
        TrackOpens = settings.TrackOpens;
        TrackClicks = settings.TrackClicks;
        StopOnReply = settings.StopOnReply;
        StopOnCompanyReply = settings.StopOnCompanyReply;
        OnSendFailure = settings.OnSendFailure;
        PerDomainHourlyCap = settings.PerDomainHourlyCap;
    }

    public string? Timezone { get; set; }
    public string? WindowStart { get; set; }
    public string? WindowEnd { get; set; }
    public bool BusinessDaysOnly { get; set; }
    public bool SkipHolidays { get; set; }
    public bool TrackOpens { get; set; }
    public bool TrackClicks { get; set; }
    public bool StopOnReply { get; set; }
    public bool StopOnCompanyReply { get; set; }
    public SendFailurePolicy OnSendFailure { get; set; }
    public int? PerDomainHourlyCap { get; set; }

    /// <summary>The settings as typed; fields the form does not show keep their values.</summary>
    public SequenceSettings ToSettings() => _original with
    {
        Timezone = string.IsNullOrWhiteSpace(Timezone) ? null : Timezone.Trim(),
        SendWindow = new SendWindow(WindowStart?.Trim() ?? "", WindowEnd?.Trim() ?? ""),
        BusinessDaysOnly = BusinessDaysOnly,
        SkipHolidays = SkipHolidays,
        TrackOpens = TrackOpens,
        TrackClicks = TrackClicks,
        StopOnReply = StopOnReply,
        StopOnCompanyReply = StopOnCompanyReply,
        OnSendFailure = OnSendFailure,
        PerDomainHourlyCap = PerDomainHourlyCap,
    };

    /// <summary>The API's own rules and words, keyed by field ("send_window.end").</summary>
    public IReadOnlyList<ValidationIssue> Validate()
    {
        var issues = new List<ValidationIssue>();
        StepShapeValidator.ValidateSettings(issues, ToSettings(), "");
        return issues;
    }
}
