namespace Sequences.Core.Sequences;

/// <summary>Per-sequence behaviour, stored as the JSON column <c>settings</c>.</summary>
public sealed record SequenceSettings
{
    /// <summary>IANA zone for leads without one of their own.</summary>
    public string? Timezone { get; init; }
    public SendWindow SendWindow { get; init; } = new();
    public bool BusinessDaysOnly { get; init; } = true;
    public bool TrackOpens { get; init; } = true;
    public bool TrackClicks { get; init; } = true;
    public bool StopOnReply { get; init; } = true;
    public SendFailurePolicy OnSendFailure { get; init; } = SendFailurePolicy.Skip;
    /// <summary>At most this many emails of this sequence per recipient domain per hour (null: no cap).</summary>
    public int? PerDomainHourlyCap { get; init; }

    // Company-level stop (issue #9).
    /// <summary>A reply from a lead at a company domain (not free mail) stops every active lead of that domain in this
    /// sequence, reason <c>company_replied</c>.</summary>
    public bool StopOnCompanyReply { get; init; }

    // Holiday calendars (issue #9): kept together at the end so parallel additions merge cleanly.
    /// <summary>Email sends skip the public holidays of the lead's country (its ISO code) like weekends.</summary>
    public bool SkipHolidays { get; init; }
}

/// <summary>Local "HH:mm" times; end is exclusive and may be "24:00".</summary>
public sealed record SendWindow(string Start = "09:00", string End = "17:00");

/// <summary>The JSON column <c>condition_value</c>. Routes are "continue", "stop" or a step id.</summary>
public sealed record ConditionValue
{
    public int? WithinDays { get; init; }
    public Guid? EmailStepId { get; init; }
    public string? OnTrue { get; init; }
    public string? OnFalse { get; init; }
    /// <summary>The seed's shorthand for <see cref="OnFalse"/>.</summary>
    public Guid? SkipTo { get; init; }
}

/// <summary>The JSON column <c>action_config</c>; which field matters depends on the action type.</summary>
public sealed record ActionConfig
{
    public string? Status { get; init; }
    public string? Tag { get; init; }
    public string? Message { get; init; }
    public string? Url { get; init; }
}
