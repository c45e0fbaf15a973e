using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Tenants;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Scale;

/// <summary>
/// Several hosts on one PostgreSQL (DESIGN §3 "No duplicates, nothing lost"): they share the queue through
/// SKIP LOCKED claims with leases, and a host that stops mid-pass leaves leases that expire, so another host
/// finishes its work without sending anything twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SeveralHostsTests : IAsyncLifetime
{
    private const int Leads = 5_000;

    private readonly List<EngineHost> _hosts = [];
    // Starts now: the leads are seeded due at the hosts' "now", and A's leases expire when the test moves it on.
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private PostgresServer _server = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.InstanceAsync();
        _database = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    [Fact]
    public async Task Two_hosts_share_5000_due_leads_and_every_lead_gets_exactly_one_mail()
    {
        var a = await StartHostAsync("A", TimeSpan.FromMinutes(5));
        var b = await StartHostAsync("B", TimeSpan.FromMinutes(5));
        await SeedDueLeadsAsync(a, Leads);

        // Both start at once, as two schedulers whose timers fire together.
        var passes = await Task.WhenAll(a.RunPassAsync(), b.RunPassAsync());

        passes.Sum(p => p.EmailsSent).Should().Be(Leads);
        passes.Should().OnlyContain(p => p.EmailsSent > 0, "both hosts claim batches from the same queue");
        a.Smtp.Messages.Count.Should().Be(passes[0].EmailsSent);
        b.Smtp.Messages.Count.Should().Be(passes[1].EmailsSent);
        var perLead = a.Smtp.Messages.Concat(b.Smtp.Messages).GroupBy(m => m.To.Mailboxes.Single().Address).ToList();
        perLead.Should().HaveCount(Leads).And.OnlyContain(g => g.Count() == 1, "no lead is mailed by both hosts");

        var statuses = await a.QueryAsync(db => db.OutboundMessages.IgnoreQueryFilters().GroupBy(m => m.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));
        statuses.Should().Equal(new Dictionary<OutboundStatus, int> { [OutboundStatus.Sent] = Leads });
        (await a.QueryAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().CountAsync(s => s.Status == EnrollmentStatus.Completed && s.LeaseOwner == null)))
            .Should().Be(Leads);
    }

    [Fact]
    public async Task A_host_stopped_mid_pass_leaves_leases_that_expire_and_the_other_host_finishes_without_duplicates()
    {
        // A's leases must run out within the test; B keeps the default so its own batches can never outlive theirs.
        var a = await StartHostAsync("A", TimeSpan.FromSeconds(5));
        var b = await StartHostAsync("B", TimeSpan.FromMinutes(5));
        await SeedDueLeadsAsync(a, Leads);
        var parallelism = a.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EngineOptions>>().Value.Parallelism;

        // A's relay takes 150 messages, then never answers again: A is stuck mid-pass with messages in flight.
        a.Smtp.StallAfter(150);
        using var stopA = new CancellationTokenSource();
        var passA = a.RunPassAsync(stopA.Token);
        await a.Smtp.WaitForStallAsync(TimeSpan.FromSeconds(30));
        await stopA.CancelAsync();
        await FluentActions.Awaiting(() => passA).Should().ThrowAsync<OperationCanceledException>();
        await a.DisposeAsync(); // the host is gone: nothing of it finishes or releases its leases
        var leasedByA = await b.QueryAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().CountAsync(s => s.LeaseOwner != null));
        leasedByA.Should().BeGreaterThan(0, "A held claimed batches when it stopped");

        // A's enrollments come back to the queue only when A's leases expire; then B's passes finish the work.
        _clock.Advance(TimeSpan.FromSeconds(6));
        var sentByB = 0;
        while (await OpenWorkAsync(b) > 0)
        {
            var pass = await b.RunPassAsync();
            pass.Processed.Should().BeGreaterThan(0, "B finishes once A's leases have expired");
            sentByB += pass.EmailsSent;
        }

        var delivered = a.Smtp.Messages.Concat(a.Smtp.Held).Concat(b.Smtp.Messages).ToList();
        delivered.GroupBy(m => m.To.Mailboxes.Single().Address).Should().OnlyContain(g => g.Count() == 1, "no lead is mailed twice");
        b.Smtp.Messages.Count.Should().Be(sentByB).And.BeGreaterThan(0);

        var messages = await b.QueryAsync(db => db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Select(m => new { m.LeadId, m.ToAddress, m.Status }).ToListAsync());
        messages.Should().HaveCount(Leads, "every lead's email was attempted exactly once");
        messages.Select(m => m.Status).Should().OnlyContain(s => s == OutboundStatus.Sent || s == OutboundStatus.Unknown);
        var unknown = messages.Where(m => m.Status == OutboundStatus.Unknown).ToList();
        unknown.Should().NotBeEmpty("the mail A was waiting on when it stopped may or may not have gone out")
            .And.HaveCountLessThanOrEqualTo(parallelism * PassWorkerChunk, "a crash leaves at most Parallelism x 10 unknown outcomes");
        var receivedByB = b.Smtp.Messages.Select(m => m.To.Mailboxes.Single().Address).ToHashSet();
        unknown.Should().OnlyContain(m => !receivedByB.Contains(m.ToAddress), "an unknown outcome is never re-sent");

        var parked = await b.QueryAsync(db => db.LeadSequenceStates.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.Status == EnrollmentStatus.Active).Select(s => new { s.LeadId, s.NextActionAt, s.LeaseOwner }).ToListAsync());
        parked.Select(s => s.LeadId).Should().BeEquivalentTo(unknown.Select(m => m.LeadId), "only the unknown ones wait for a person");
        parked.Should().OnlyContain(s => s.NextActionAt == null && s.LeaseOwner == null);
    }

    /// <summary>DESIGN's chunk: "sending" rows are committed alone or at most 10 together.</summary>
    private const int PassWorkerChunk = 10;

    private async Task<EngineHost> StartHostAsync(string name, TimeSpan leaseDuration)
    {
        // Small batches: the queue is shared out in many claims, so both hosts get some of it.
        var host = await EngineHost.StartAsync(name, _server, _database, leaseDuration, batchSize: 50, _clock);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Enrollments still to run: due or leased (parked unknown ones have no next action), or a send not yet expired.</summary>
    private static Task<int> OpenWorkAsync(EngineHost host) => host.QueryAsync(async db =>
        await db.LeadSequenceStates.IgnoreQueryFilters().CountAsync(s => s.Status == EnrollmentStatus.Active && s.NextActionAt != null)
        + await db.OutboundMessages.IgnoreQueryFilters().CountAsync(m => m.Status == OutboundStatus.Sending));

    /// <summary>One tenant, one active always-open sequence with one email, and <paramref name="count"/> leads enrolled
    /// through the product's own bulk enrollment, so every state is due now.</summary>
    private static async Task SeedDueLeadsAsync(EngineHost host, int count)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var tenant = new Tenant { Name = $"Scale {host.Name}", CreatedAt = DateTime.UtcNow };
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SequencesDbContext>>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.Id, null);
        await using var db = await contexts.CreateDbContextAsync();
        db.Tenants.Add(tenant);
        var sequence = new Sequence
        {
            Name = "Scale", Status = SequenceStatus.Active, StepsCount = 1,
            Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
            Steps = [new SequenceStep { StepOrder = 1, StepType = StepType.Email, SubjectLine = "Hello {{ lead.first_name }}", BodyText = "Hi {{ lead.first_name }}." }],
        };
        db.Sequences.Add(sequence);
        var leads = Enumerable.Range(0, count)
            .Select(i => new Lead { Email = $"lead{i}@scale{i % 50}.test", FirstName = $"Lead{i}", Name = $"Lead {i}" }).ToList();
        db.Leads.AddRange(leads);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var loaded = await db.Sequences.Include(s => s.Steps).ThenInclude(s => s.Variants).SingleAsync(s => s.Id == sequence.Id);
        var result = await scope.ServiceProvider.GetRequiredService<EnrollmentService>()
            .EnrollManyAsync(db, loaded, leads.Select(l => l.Id).ToList(), null, null, CancellationToken.None);
        result.Enrolled.Should().Be(count);
    }
}
