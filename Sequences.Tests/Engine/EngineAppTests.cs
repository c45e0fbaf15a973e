using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Persistence;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

public sealed class SqliteEngineApp : SqliteApp
{
    protected override bool UseFakeClock => true;

    // The webhook tests post to a receiver on loopback.
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Webhooks:AllowPrivate"] = "true" };
}

public sealed class PostgresEngineApp : PostgresApp
{
    protected override bool UseFakeClock => true;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Webhooks:AllowPrivate"] = "true" };
}

/// <summary>Shared moves of the engine tests: a started sequence, leads, enrollments, passes.</summary>
public abstract class EngineTestBase(SequencesApp app) : ApiTestBase(app)
{
    protected static readonly object AlwaysOpen = new { send_window = new { start = "00:00", end = "24:00" }, business_days_only = false };

    protected async Task<JsonObject> StartedSequenceAsync(object? settings, params object[] steps)
    {
        var created = await A.PostJsonAsync("/api/sequences", new { name = $"Engine {Guid.NewGuid():N}"[..20], settings = settings ?? AlwaysOpen, steps });
        await ExpectAsync(created, HttpStatusCode.Created);
        var sequence = await JsonAsync(created);
        await ExpectAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/start", null), HttpStatusCode.OK);
        return sequence;
    }

    protected async Task<TestLead> LeadAsync(HttpClient client, string? first = null, string? timezone = null, string? title = null, string[]? tags = null)
    {
        var email = $"lead-{Guid.NewGuid():N}@example.com";
        var response = await client.PostJsonAsync("/api/leads", new
        {
            email, first_name = first ?? "Ada", last_name = "Lovelace", company = "Engines Ltd", timezone, title, tags,
        });
        await ExpectAsync(response, HttpStatusCode.Created);
        return new TestLead(Id(await JsonAsync(response)), email);
    }

    protected async Task<JsonObject> EnrollAsync(HttpClient client, Guid lead, Guid sequence)
    {
        var response = await client.PostJsonAsync($"/api/leads/{lead}/assign-sequence", new { sequence_id = sequence });
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    protected async Task<JsonObject> ProcessAsync(HttpClient? client = null)
    {
        var response = await (client ?? A).PostAsync("/api/sequences/process-queue", null);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    protected async Task<JsonObject> StateAsync(Guid lead, Guid sequence)
    {
        var states = JsonNode.Parse(await A.GetStringAsync($"/api/leads/{lead}/sequence-state"))!.AsArray();
        return states.Single(s => s!["sequence_id"]!.GetValue<string>() == sequence.ToString())!.AsObject();
    }

    protected Task<T> DbAsync<T>(Func<SequencesDbContext, Task<T>> query) =>
        App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return await query(db);
        });

    protected Task<List<OutboundMessage>> MessagesAsync(Guid lead) =>
        DbAsync(db => db.OutboundMessages.Where(m => m.LeadId == lead).OrderBy(m => m.CreatedAt).ToListAsync());

    protected Task<List<SequenceExecutionLog>> LogAsync(Guid lead) =>
        DbAsync(db => db.ExecutionLog.Where(l => l.LeadId == lead).OrderBy(l => l.ExecutedAt).ToListAsync());

    protected IReadOnlyList<MimeKit.MimeMessage> MailsTo(TestLead lead) =>
        App.Smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address == lead.Email)).ToList();
}

public sealed record TestLead(Guid Id, string Email)
{
    public static implicit operator Guid(TestLead lead) => lead.Id;
}
