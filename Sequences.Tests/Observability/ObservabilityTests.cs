using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Observability;
using Sequences.Infrastructure.Tenants;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;
using Sequences.Web.Observability;

namespace Sequences.Tests.Observability;

/// <summary>The engine on a fake clock with a one-minute lag limit, its structured logs captured with their scopes.</summary>
public sealed class ObservedEngineApp : SqliteApp
{
    public ScopeCapture Scopes { get; } = new();

    protected override bool UseFakeClock => true;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Health:MaxQueueLag"] = "00:01:00" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Scopes));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ObservabilityTests(ObservedEngineApp app) : EngineTestBase(app), IClassFixture<ObservedEngineApp>
{
    private async Task<string> HealthAsync()
    {
        var response = await App.CreateClient().GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK, "only a database failure answers 503");
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Health_turns_degraded_when_the_queue_lags_and_healthy_once_it_caught_up()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Lag", body_text = "b" });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        (await HealthAsync()).Should().Be("Healthy");

        App.Clock.Advance(TimeSpan.FromMinutes(10));
        (await HealthAsync()).Should().Be("Degraded");

        await ProcessAsync();
        (await HealthAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task A_pass_reports_mails_sent_duration_due_and_lag_metrics_and_a_trace()
    {
        var factory = App.Services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Name, double Value)>();
        using var listener = new MeterListener
        {
            // Only this app's meter: other hosts run in parallel in this test process.
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Scope == factory) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (measurements) measurements.Add((i.Name, v)); });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (measurements) measurements.Add((i.Name, v)); });
        listener.Start();
        var tenant = await App.AsTenantAsync(SequencesApp.AdminA, sp => Task.FromResult(sp.GetRequiredService<TenantContext>().RequireTenant().ToString()));
        var passes = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SequencesMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if ((string?)a.GetTagItem("sequences.tenant_id") == tenant) lock (passes) passes.Add(a); },
        };
        ActivitySource.AddActivityListener(activities);

        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Metrics", body_text = "b" });
        var leads = new[] { await LeadAsync(A), await LeadAsync(A) };
        foreach (var lead in leads) await EnrollAsync(A, lead, Id(sequence));
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        await HealthAsync();
        listener.RecordObservableInstruments();
        Last("sequences.queue.due").Should().BeGreaterThanOrEqualTo(2);
        Last("sequences.queue.lag").Should().BeGreaterThanOrEqualTo(30);

        await ProcessAsync();
        listener.RecordObservableInstruments();

        Sum("sequences.mails.sent").Should().Be(2);
        Sum("sequences.mails.failed").Should().Be(0);
        Sum("sequences.pass.processed").Should().BeGreaterThanOrEqualTo(2);
        measurements.Should().Contain(m => m.Name == "sequences.pass.duration");
        Last("sequences.queue.due").Should().Be(0);
        Last("sequences.queue.lag").Should().Be(0);
        var pass = passes.Should().ContainSingle().Subject;
        pass.DisplayName.Should().Be("queue pass");
        pass.GetTagItem("sequences.emails_sent").Should().Be(2);

        double Sum(string name) { lock (measurements) return measurements.Where(m => m.Name == name).Sum(m => m.Value); }
        double Last(string name) { lock (measurements) return measurements.Last(m => m.Name == name).Value; }
    }

    [Fact]
    public async Task What_the_engine_logs_about_an_enrollment_carries_its_lead_sequence_and_step_ids()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "action", action_type = "webhook", action_config = new { url = "http://127.0.0.1:9/hook" } });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));

        await ProcessAsync();

        var entry = app.Scopes.Entries.Should().Contain(e => e.Message.Contains("refused") && e.Message.Contains(lead.Id.ToString())).Subject;
        entry.Scope["LeadId"].Should().Be(lead.Id);
        entry.Scope["SequenceId"].Should().Be(Id(sequence));
        entry.Scope["StepId"].Should().Be(Id(Steps(sequence)[0]!));
    }

    [Fact]
    public async Task The_mail_check_is_healthy_for_a_greeting_relay_and_degraded_for_a_dead_one()
    {
        static MailRelayHealthCheck Check(string host, int port) => new(
            Options.Create(new MailOptions { Transport = MailTransportKind.Smtp, Smtp = new SmtpOptions { Host = host, Port = port } }),
            Options.Create(new HealthOptions { RelayTimeout = TimeSpan.FromSeconds(3) }));
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var deadPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        (await Check(App.Smtp.Host, App.Smtp.Port).CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy);
        var dead = await Check("127.0.0.1", deadPort).CheckHealthAsync(new HealthCheckContext());
        dead.Status.Should().Be(HealthStatus.Degraded);
        dead.Description.Should().Contain("not reachable");
    }

    [Fact]
    public void With_an_otlp_endpoint_metrics_and_traces_are_exported_and_without_one_nothing_is_collected()
    {
        static ServiceProvider Build(string? endpoint)
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OpenTelemetry:Endpoint"] = endpoint }).Build();
            var services = new ServiceCollection().AddLogging();
            services.AddSequencesTelemetry(config);
            return services.BuildServiceProvider();
        }

        using var configured = Build("http://127.0.0.1:4317");
        configured.GetService<MeterProvider>().Should().NotBeNull();
        configured.GetService<TracerProvider>().Should().NotBeNull();
        using var plain = Build(null);
        plain.GetService<MeterProvider>().Should().BeNull();
        plain.GetService<TracerProvider>().Should().BeNull();
    }
}
