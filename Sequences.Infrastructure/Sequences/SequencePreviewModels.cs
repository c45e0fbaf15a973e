using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;

namespace Sequences.Infrastructure.Sequences;

/// <summary>Who a preview is for: a real lead of the tenant (<see cref="LeadId"/>), or typed sample values; fields
/// left empty come from the sample lead.</summary>
public sealed record PreviewRecipient(Guid? LeadId = null, LeadInput? Sample = null)
{
    public static PreviewRecipient SampleLead { get; } = new();
}

/// <summary>Every email step of the document, rendered for one lead.</summary>
public sealed record SequencePreview(Lead Lead, IReadOnlyList<EmailPreview> Emails);

/// <summary>One email step: one rendering, or one per A/B variant.</summary>
public sealed record EmailPreview(Guid? StepId, int StepOrder, string? StepName, IReadOnlyList<RenderedEmail> Versions);

/// <summary>Subject and text as the lead reads them; <see cref="Html"/> sanitised, for display in a sandboxed frame.</summary>
public sealed record RenderedEmail(string? Variant, string Subject, string Html, string Text, IReadOnlyList<ValidationIssue> Issues);

/// <summary>A what-if engagement as a client names it: "opened", "clicked" or "replied", some hours after a step's email.</summary>
public sealed record SimulationEventInput(string? Type, Guid? AfterStepId, double? AfterHours);

/// <param name="LeadCountry">ISO code whose public holidays email sends skip when the sequence's skip_holidays is on.</param>
public sealed record SimulationRequest(string? LeadTimezone = null, DateTime? StartAt = null, IReadOnlyList<SimulationEventInput>? Events = null,
    int? HorizonDays = null, string? LeadCountry = null);

/// <summary>The timeline (UTC instants) and the zone it was planned in, to show local times beside them.</summary>
public sealed record SimulationResult(TimeZoneInfo Zone, IReadOnlyList<TimelineEntry> Timeline);

public sealed record TestSendResult(bool Sent, string Message, string MessageId);
