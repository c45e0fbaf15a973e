using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sequences.Infrastructure.Observability;

/// <summary>
/// The engine's metrics (meter "Sequences") and traces (activity source "Sequences"), in System.Diagnostics so the
/// engine needs no OpenTelemetry package: the host exports them by OTLP when configured, tests read them with a
/// MeterListener. Queue gauges report the last measurement of <see cref="QueueProbe"/> (after each pass and each
/// health check), so exporting never queries the database.
/// </summary>
public sealed class SequencesMetrics
{
    public const string Name = "Sequences";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _processed;
    private readonly Histogram<double> _passDuration;
    private long _due;
    private double _lagSeconds;

    public SequencesMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _sent = meter.CreateCounter<long>("sequences.mails.sent", "{mail}", "Mails the relay or pickup accepted.");
        _failed = meter.CreateCounter<long>("sequences.mails.failed", "{mail}", "Mails that failed to send.");
        _processed = meter.CreateCounter<long>("sequences.pass.processed", "{enrollment}", "Enrollments a queue pass advanced.");
        _passDuration = meter.CreateHistogram<double>("sequences.pass.duration", "s", "How long a queue pass took.");
        meter.CreateObservableGauge("sequences.queue.due", () => Interlocked.Read(ref _due), "{enrollment}", "Enrollments due now.");
        meter.CreateObservableGauge("sequences.queue.lag", () => Volatile.Read(ref _lagSeconds), "s", "How long the oldest due enrollment has waited.");
    }

    public void PassCompleted(int processed, int sent, int failed, TimeSpan duration)
    {
        _processed.Add(processed);
        _sent.Add(sent);
        _failed.Add(failed);
        _passDuration.Record(duration.TotalSeconds);
    }

    public void QueueMeasured(long due, double lagSeconds)
    {
        Interlocked.Exchange(ref _due, due);
        Volatile.Write(ref _lagSeconds, lagSeconds);
    }
}
