using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Engine;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Resilience;

/// <summary>The app on a PostgreSQL server of its own (the test stops it; the shared one serves other classes), fake clock.</summary>
public sealed class DatabaseHiccupApp : PostgresApp
{
    protected override bool UseFakeClock => true;

    protected override Task<PostgresServer> ServerAsync() => PostgresServer.StartDedicatedAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PgServer.RemoveAsync();
    }
}

/// <summary>
/// PostgreSQL goes away in the middle of a scheduler pass and comes back (issue #8, item 3). The pass must fail
/// cleanly (the host lives on, the error is logged), the next pass must complete, and no lead may get two mails.
/// The relay stalls after a number of mails, so the database stops while the pass is certainly mid-batch.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseHiccupTests(DatabaseHiccupApp app) : EngineTestBase(app), IClassFixture<DatabaseHiccupApp>
{
    private const int Leads = 200;
    private const int AcceptedBeforeStall = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>DESIGN §3: "sending" rows are committed alone or in a chunk of at most 10.</summary>
    private const int SendChunk = 10;

    private int Parallelism => App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EngineOptions>>().Value.Parallelism;

    [Fact]
    public async Task PostgreSQL_stopped_mid_pass_fails_that_pass_cleanly_and_the_next_pass_finishes_without_duplicates()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Hiccup {{ lead.email }}", body_text = "b" });
        var leads = await EnrollLeadsAsync(Id(sequence));
        var server = ((PostgresApp)App).PgServer;

        // The scheduler's own job runs the pass, as Quartz would.
        App.Smtp.StallAfter(AcceptedBeforeStall);
        var job = ActivatorUtilities.CreateInstance<QueuePassJob>(App.Services);
        var pass = job.Execute(null!, CancellationToken.None).AsTask();
        await App.Smtp.WaitForStallAsync(Deadline);
        await server.StopAsync();
        try
        {
            App.Smtp.ReleaseStalled(); // the pass goes on sending, then finds the database gone
            await FluentActions.Awaiting(() => pass.WaitAsync(Deadline)).Should().NotThrowAsync("a failed pass must not take the scheduler or the host down");
            App.Logs.Entries.Should().Contain(e => e.Category == typeof(QueuePass).FullName && e.Level == LogLevel.Error && e.Message.Contains("Queue pass failed"));
        }
        finally
        {
            await server.StartAgainAsync();
        }

        // The next pass (once the dead pass's leases ran out) completes; a few more find nothing left.
        App.Clock.Advance(TimeSpan.FromMinutes(6));
        var next = await ProcessAsync();
        next["processed"]!.GetValue<int>().Should().BeGreaterThan(0, "the enrollments the failed pass held come back to the queue");
        App.Clock.Advance(TimeSpan.FromMinutes(6));
        await ProcessAsync();
        (await ProcessAsync())["processed"]!.GetValue<int>().Should().Be(0);
        (await A.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);

        var delivered = App.Smtp.Messages.Concat(App.Smtp.Held).GroupBy(m => m.To.Mailboxes.Single().Address).ToDictionary(g => g.Key, g => g.Count());
        delivered.Values.Should().OnlyContain(n => n == 1, "no lead is mailed twice");
        var messages = await DbAsync(db => db.OutboundMessages.AsNoTracking().Where(m => m.SequenceId == Id(sequence)).ToListAsync());
        messages.Should().HaveCount(Leads, "every lead's email was attempted, each once");
        messages.Select(m => m.Status).Should().OnlyContain(s => s == OutboundStatus.Sent || s == OutboundStatus.Unknown);
        messages.Where(m => m.Status == OutboundStatus.Sent).Should().OnlyContain(m => delivered.ContainsKey(m.ToAddress), "nothing is marked sent that was not");
        var unknown = messages.Where(m => m.Status == OutboundStatus.Unknown).ToList();
        unknown.Should().NotBeEmpty("the mail sent while the database was down could not be recorded")
            .And.HaveCountLessThanOrEqualTo(Parallelism * SendChunk, "only each worker's chunk committed as sending is in doubt");
        unknown.Should().OnlyContain(m => m.Attempts == 1, "an unknown outcome is never re-sent");

        var states = await DbAsync(db => db.LeadSequenceStates.AsNoTracking().Where(s => s.SequenceId == Id(sequence)).ToListAsync());
        states.Should().OnlyContain(s => s.LeaseOwner == null && s.LeaseUntil == null, "no lease is stuck");
        states.Where(s => s.Status == EnrollmentStatus.Active).Select(s => s.LeadId)
            .Should().BeEquivalentTo(unknown.Select(m => m.LeadId), "only the unknown ones wait for a person; the rest completed");
        leads.Should().HaveCount(Leads);
    }

    private async Task<List<TestLead>> EnrollLeadsAsync(Guid sequence)
    {
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "Hiccup" }));
        var leads = await App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var service = sp.GetRequiredService<Sequences.Infrastructure.Leads.LeadService>();
            var created = new List<TestLead>();
            for (var i = 0; i < Leads; i++)
            {
                var lead = await service.CreateAsync(new Sequences.Core.Leads.LeadInput { Email = $"hiccup-{i}-{Guid.NewGuid():N}@example.com" });
                created.Add(new TestLead(lead.Id, lead.Email));
            }
            return created;
        });
        await ExpectAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = leads.Select(l => l.Id) }), HttpStatusCode.OK);
        var assigned = await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/assign-sequence", new { sequence_id = sequence, enroll_existing = true });
        await ExpectAsync(assigned, HttpStatusCode.OK);
        (await JsonAsync(assigned))["enrollment"]!["enrolled"]!.GetValue<int>().Should().Be(Leads);
        return leads;
    }
}
