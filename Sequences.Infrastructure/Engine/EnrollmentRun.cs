using Sequences.Core.Engine;
using Sequences.Core.Leads;

namespace Sequences.Infrastructure.Engine;

/// <summary>One enrollment while a pass works on it: the engine's cursor and log, kept across the chunk's
/// commit and SMTP calls, until the state is written back.</summary>
internal sealed class EnrollmentRun(LeadSequenceState state, TimeProvider clock)
{
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private HolidayCalendar? _holidays;

    public LeadSequenceState State { get; } = state;
    public EnrollmentCursor Cursor { get; } = EnrollmentMapping.Cursor(state);
    public List<EngineLogEntry> Log { get; } = [];
    public Lead Lead { get; private set; } = null!;
    public SequenceRuntime Runtime { get; private set; } = null!;
    /// <summary>The steps of the version this enrollment runs on (after a publish, a draining lead keeps its old version).</summary>
    public SequencePlan Plan { get; private set; } = null!;
    public List<EngagementFact> Facts { get; private set; } = [];

    /// <summary>Engine steps taken so far: a guard against a sequence that never waits.</summary>
    public int Steps { get; set; }

    /// <summary>Something broke: only the retry time and the error are written, not the cursor.</summary>
    public bool Failed { get; set; }

    /// <summary>Binds what the batch loaded for this enrollment (may fail: the sequence is read here the first time).</summary>
    public void Start(Lead lead, SequenceRuntime runtime, List<EngagementFact> facts)
    {
        Lead = lead;
        Runtime = runtime;
        Plan = runtime.PlanFor(State.Version);
        Facts = facts;
        _zone = EnrollmentMapping.Zone(lead, runtime.Sequence.Settings, runtime.TenantZone);
        _holidays = HolidayCalendar.For(lead.Country);
    }

    public EngineContext Context() => new(clock.GetUtcNow().UtcDateTime, _zone, Lead.Id, Facts, _holidays);
}
