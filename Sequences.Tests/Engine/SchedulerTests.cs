using System.Diagnostics;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

public sealed class SqliteSchedulerApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Sequences:Engine:PollInterval"] = "00:00:01" };
}

public sealed class PostgresSchedulerApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Sequences:Engine:PollInterval"] = "00:00:01" };
}

/// <summary>The Quartz job in the host sends on its own, for every tenant, on the real clock (24/7 window, so any hour works).</summary>
public abstract class SchedulerTests(SequencesApp app) : EngineTestBase(app)
{
    [Fact]
    public async Task The_scheduler_sends_due_mail_of_every_tenant_without_being_asked()
    {
        var leadA = await EnrollDueLeadAsync(A);
        var leadB = await EnrollDueLeadAsync(B);

        var watch = Stopwatch.StartNew();
        while ((MailsTo(leadA).Count == 0 || MailsTo(leadB).Count == 0) && watch.Elapsed < TimeSpan.FromSeconds(30))
            await App.Smtp.WaitForMessagesAsync(App.Smtp.Messages.Count + 1, TimeSpan.FromSeconds(2)).ContinueWith(_ => { });

        MailsTo(leadA).Should().ContainSingle();
        MailsTo(leadB).Should().ContainSingle();
    }

    private async Task<TestLead> EnrollDueLeadAsync(HttpClient client)
    {
        var created = await JsonAsync(await client.PostJsonAsync("/api/sequences", new
        {
            name = "Scheduled", settings = AlwaysOpen, steps = new[] { new { step_type = "email", subject_line = "Scheduled", body_text = "b" } },
        }));
        await ExpectAsync(await client.PostAsync($"/api/sequences/{Id(created)}/start", null), System.Net.HttpStatusCode.OK);
        var lead = await LeadAsync(client);
        await EnrollAsync(client, lead, Id(created));
        return lead;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSchedulerTests(SqliteSchedulerApp app) : SchedulerTests(app), IClassFixture<SqliteSchedulerApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchedulerTests(PostgresSchedulerApp app) : SchedulerTests(app), IClassFixture<PostgresSchedulerApp>;
