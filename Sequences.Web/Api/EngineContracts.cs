using Sequences.Core.Campaigns;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Engine;

namespace Sequences.Web.Api;

public sealed record SequenceRef(Guid? SequenceId);

/// <summary>POST /api/leads/{id}/snooze-sequence: wait until the first business morning on or after <paramref name="Until"/>
/// (a date, in the lead's zone).</summary>
public sealed record SnoozeRequest(Guid? SequenceId, DateOnly? Until);

public sealed record AssignLeadRequest(Guid? SequenceId, Guid? CampaignId);

/// <summary>What a bulk enrollment did: leads enrolled, leads already in the sequence, and leads never mailed
/// (unsubscribed, bounced or blocked), which are left out.</summary>
public sealed record BulkEnrollResponse(int Enrolled, int AlreadyEnrolled, int Suppressed);

public sealed record LogEntryResponse(Guid Id, Guid? StepId, int? StepOrder, string ActionType, LogResult ActionResult, string? ErrorMessage,
    IReadOnlyDictionary<string, string> Metadata, DateTime ExecutedAt)
{
    public static LogEntryResponse From(SequenceExecutionLog l) =>
        new(l.Id, l.StepId, l.StepOrder, l.ActionType, l.ActionResult, l.ErrorMessage, l.Metadata, l.ExecutedAt);
}

public sealed record EnrollmentResponse(
    Guid Id, Guid SequenceId, string SequenceName, Guid? CampaignId, EnrollmentStatus Status, Guid? CurrentStepId, int CurrentStepOrder,
    DateTime? NextActionAt, string? Timezone, DateTime StartedAt, DateTime? CompletedAt, string? StoppedReason,
    int EmailsSent, int EmailsOpened, int EmailsClicked, int EmailsReplied, IReadOnlyList<LogEntryResponse> RecentLog, int Version = 1)
{
    public static EnrollmentResponse From(EnrollmentView v) =>
        new(v.Id, v.SequenceId, v.SequenceName, v.CampaignId, v.Status, v.CurrentStepId, v.CurrentStepOrder, v.NextActionAt, v.Timezone,
            v.StartedAt, v.CompletedAt, v.StoppedReason, v.EmailsSent, v.EmailsOpened, v.EmailsClicked, v.EmailsReplied,
            v.RecentLog.Select(LogEntryResponse.From).ToList(), v.Version);
}

public sealed record SimulateEvent(string? Type, Guid? AfterStepId, double? AfterHours);

public sealed record SimulateRequest(LeadInput? Lead, DateTime? StartAt, List<SimulateEvent>? Events, int? HorizonDays);

public sealed record TimelineResponse(IReadOnlyList<TimelineEntry> Timeline);

public sealed record ProcessQueueResponse(int Processed, int EmailsSent, int Failed, long DurationMs)
{
    public static ProcessQueueResponse From(PassResult r) => new(r.Processed, r.EmailsSent, r.Failed, r.DurationMs);
}

public sealed record QueueStatusResponse(int Due, int Scheduled, int InFlight, DateTime? OldestDueAt, double LagSeconds, int Unknown,
    int FailedLastHour, LastPassResponse? LastPass, int Retrying, DateTime? NextRetryAt)
{
    public static QueueStatusResponse From(QueueStatus s) =>
        new(s.Due, s.Scheduled, s.InFlight, s.OldestDueAt, s.LagSeconds, s.Unknown, s.FailedLastHour,
            s.LastPass is { } p ? new LastPassResponse(p.StartedAt, p.DurationMs, p.Processed, p.EmailsSent, p.Failed) : null,
            s.Retrying, s.NextRetryAt);
}

public sealed record LastPassResponse(DateTime StartedAt, long DurationMs, int Processed, int EmailsSent, int Failed);

public sealed record AssignCampaignSequenceRequest(Guid? SequenceId, bool? EnrollExisting, List<LeadCriterion>? Criteria);
