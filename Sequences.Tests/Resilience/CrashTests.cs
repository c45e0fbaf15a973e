using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Sequences.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Sequences.Tests.Resilience;

/// <summary>
/// The app process is killed with SIGKILL in the middle of a pass and started again (issue #8, item 1). The relay
/// stalls after <see cref="AcceptedBeforeStall"/> mails, so the kill always lands while mails are in flight.
/// Afterwards every lead has exactly one mail, or exactly one "unknown" outcome that was not re-sent; nothing is
/// stuck: leases expire and the queue empties. This runs on the real clock (a separate process), with short leases
/// and deadlines that only bound the wait: every step polls for its condition.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Leads = 2_000;
    private const int AcceptedBeforeStall = 600;
    private const int Parallelism = 4;
    private const int SendChunk = 10; // DESIGN §3: "sending" rows are committed alone or in a chunk of at most 10
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    // Generous: a deadline, not a speed target (the work takes well under a minute on an idle machine; CI may be busy)
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sequences-crash-{Guid.NewGuid():N}");
    private readonly SmtpSink _smtp = new();
    private AppProcess? _app;

    private string DatabaseFile => Path.Combine(_dir, "sequences.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_process_killed_mid_pass_and_restarted_mails_every_lead_once_or_leaves_one_unknown_outcome_and_nothing_stuck()
    {
        var total = Stopwatch.StartNew();
        _app = await AppProcess.StartAsync(Settings(), _dir, Ready);
        using var api = Client(_app);
        _smtp.StallAfter(AcceptedBeforeStall);
        var sequence = await StartedSequenceAsync(api);
        await EnrollAsync(api, sequence, await CreateLeadsAsync(api));
        output.WriteLine($"{Leads} leads enrolled after {total.Elapsed}");

        await _smtp.WaitForStallAsync(Deadline);
        await _app.KillAsync();
        output.WriteLine($"killed after {total.Elapsed} with {_smtp.Messages.Count} mails received, {_smtp.Held.Count} held");
        var atKill = await CountsAsync();
        output.WriteLine($"at the kill: {atKill}{Environment.NewLine}{_app.OutputTail}");
        atKill.Sending.Should().BeGreaterThan(0, "the kill landed while messages were committed as sending");
        atKill.Leased.Should().BeGreaterThan(0, "the killed pass held claimed batches");
        atKill.Sent.Should().BeLessThan(Leads);

        // The relay may have delivered what it held; count those as received, so a re-send would show as a second mail.
        _smtp.ReleaseStalled();
        await using (_app) { }
        _app = await AppProcess.StartAsync(Settings(), _dir, Ready);
        using var restarted = Client(_app);
        var end = await WaitForAsync(c => c.Sending == 0 && c.Leased == 0 && c.Open == 0 && c.Sent + c.Unknown == Leads);
        output.WriteLine($"finished after {total.Elapsed}: {end}");

        var perRecipient = _smtp.Messages.Concat(_smtp.Held).GroupBy(m => m.To.Mailboxes.Single().Address).ToDictionary(g => g.Key, g => g.Count());
        perRecipient.Values.Should().OnlyContain(n => n == 1, "no lead is ever mailed twice");
        var messages = await MessagesAsync();
        messages.Should().HaveCount(Leads, "every lead has exactly one message");
        messages.Where(m => m.Status == "sent").Should().OnlyContain(m => perRecipient.ContainsKey(m.To), "nothing is marked sent that was not");
        var unknown = messages.Where(m => m.Status == "unknown").ToList();
        unknown.Should().NotBeEmpty("what was in flight at the kill may or may not have gone out")
            .And.HaveCountLessThanOrEqualTo(Parallelism * SendChunk, "a crash leaves at most Parallelism x 10 unknown outcomes");
        unknown.Should().OnlyContain(m => m.Attempts == 1, "an unknown outcome is never re-sent");
        (end.Active - end.Unknown).Should().Be(0, "only the enrollments with an unknown outcome wait, for a person to decide");

        var status = JsonNode.Parse(await restarted.GetStringAsync("/api/sequences/queue-status"))!;
        status["due"]!.GetValue<int>().Should().Be(0);
        status["in_flight"]!.GetValue<int>().Should().Be(0);
        status["unknown"]!.GetValue<int>().Should().Be(unknown.Count, "queue health shows what needs a decision");
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Logging__LogLevel__Default"] = "Warning",
        ["Database__Provider"] = "sqlite",
        ["ConnectionStrings__Sequences"] = $"Data Source={DatabaseFile}",
        ["Email__Transport"] = "smtp",
        ["Email__PickupDirectory"] = Path.Combine(_dir, "outbox"),
        ["Email__Smtp__Host"] = _smtp.Host,
        ["Email__Smtp__Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email__Smtp__Security"] = "none",
        ["Tracking__BaseUrl"] = "https://sequences.test",
        ["Tracking__SigningKey"] = "crash-test-signing-key-0123456789",
        // A pass every second; leases short enough to run out within the test. A lease must outlast the batch it covers
        // (else the pass's other workers claim the rest of it again): small batches keep that true on a busy machine.
        ["Sequences__Engine__PollInterval"] = "00:00:01",
        ["Sequences__Engine__LeaseDuration"] = "00:00:10",
        ["Sequences__Engine__BatchSize"] = "20",
        ["Sequences__Engine__Parallelism"] = Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sequences__Replies__PollInterval"] = "01:00:00",
        ["Sequences__Bootstrap__Tenants__0__Name"] = "Crash",
        ["Sequences__Bootstrap__Tenants__0__ApiKey"] = SequencesApp.KeyA,
        ["Sequences__Bootstrap__Tenants__0__AdminEmail"] = SequencesApp.AdminA,
        ["Sequences__Bootstrap__Tenants__0__AdminPassword"] = SequencesApp.Password,
    };

    private static HttpClient Client(AppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SequencesApp.KeyA);
        return client;
    }

    private static async Task<Guid> StartedSequenceAsync(HttpClient api)
    {
        var created = await ExpectJsonAsync(await api.PostJsonAsync("/api/sequences", new
        {
            name = "Crash",
            settings = new { send_window = new { start = "00:00", end = "24:00" }, business_days_only = false },
            steps = new[] { new { step_type = "email", subject_line = "Crash {{ lead.email }}", body_text = "b" } },
        }), HttpStatusCode.Created);
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        await ExpectJsonAsync(await api.PostAsync($"/api/sequences/{id}/start", null), HttpStatusCode.OK);
        return id;
    }

    private static async Task<List<Guid>> CreateLeadsAsync(HttpClient api)
    {
        var ids = new Guid[Leads];
        await Parallel.ForEachAsync(Enumerable.Range(0, Leads), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var lead = await ExpectJsonAsync(await api.PostJsonAsync("/api/leads", new { email = $"crash-{i}@lead{i % 40}.example.com", first_name = $"Lead{i}" }), HttpStatusCode.Created);
            ids[i] = Guid.Parse(lead["id"]!.GetValue<string>());
        });
        return [.. ids];
    }

    private static async Task EnrollAsync(HttpClient api, Guid sequence, List<Guid> leads)
    {
        var campaign = await ExpectJsonAsync(await api.PostJsonAsync("/api/campaigns", new { name = "Crash" }), HttpStatusCode.Created);
        var campaignId = campaign["id"]!.GetValue<string>();
        await ExpectJsonAsync(await api.PostJsonAsync($"/api/campaigns/{campaignId}/leads", new { lead_ids = leads }), HttpStatusCode.OK);
        var assigned = await ExpectJsonAsync(await api.PostJsonAsync($"/api/campaigns/{campaignId}/assign-sequence", new { sequence_id = sequence, enroll_existing = true }), HttpStatusCode.OK);
        assigned["enrollment"]!["enrolled"]!.GetValue<int>().Should().Be(Leads);
    }

    private static async Task<JsonObject> ExpectJsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status) throw new Xunit.Sdk.XunitException($"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Where the queue stands, read straight from the app's SQLite file (WAL: readers never block the app).</summary>
    private sealed record Counts(int Sent, int Unknown, int Sending, int Leased, int Open, int Active);

    private async Task<Counts> CountsAsync()
    {
        await using var connection = Open();
        async Task<int> Count(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return new Counts(
            await Count("SELECT count(*) FROM outbound_messages WHERE status = 'sent'"),
            await Count("SELECT count(*) FROM outbound_messages WHERE status = 'unknown'"),
            await Count("SELECT count(*) FROM outbound_messages WHERE status = 'sending'"),
            await Count("SELECT count(*) FROM lead_sequence_state WHERE lease_owner IS NOT NULL"),
            await Count("SELECT count(*) FROM lead_sequence_state WHERE status = 'active' AND next_action_at IS NOT NULL"),
            await Count("SELECT count(*) FROM lead_sequence_state WHERE status = 'active'"));
    }

    private sealed record MessageRow(string To, string Status, int Attempts);

    private async Task<List<MessageRow>> MessagesAsync()
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT to_address, status, attempts FROM outbound_messages";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<MessageRow>();
        while (await reader.ReadAsync()) rows.Add(new MessageRow(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        return rows;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={DatabaseFile};Mode=ReadOnly;Pooling=False;Default Timeout=30");
        connection.Open();
        return connection;
    }

    private async Task<Counts> WaitForAsync(Func<Counts, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var counts = await CountsAsync();
            if (done(counts)) return counts;
            if (_app!.HasExited) throw new Xunit.Sdk.XunitException($"The restarted app exited: {_app.OutputTail}");
            if (clock.Elapsed > Deadline)
                throw new Xunit.Sdk.XunitException($"The queue did not settle within {Deadline}: {counts}{Environment.NewLine}{_app.OutputTail}");
            await Task.Delay(250);
        }
    }
}
