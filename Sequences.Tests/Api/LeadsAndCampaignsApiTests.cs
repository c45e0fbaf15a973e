using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

public abstract class LeadsAndCampaignsApiTests(SequencesApp app) : ApiTestBase(app)
{
    [Fact]
    public async Task A_lead_is_created_normalised_and_read_back()
    {
        var response = await A.PostJsonAsync("/api/leads", new
        {
            email = "Jane.Doe@Example.COM",
            first_name = "Jane",
            last_name = "Doe",
            company = "Acme",
            title = "VP Sales",
            timezone = "America/New_York",
            country = "us",
            tags = new[] { "trial", "vip" },
            custom = new Dictionary<string, string> { ["plan"] = "pro" },
        });

        await ExpectAsync(response, HttpStatusCode.Created);
        var lead = await JsonAsync(response);
        response.Headers.Location!.ToString().Should().Be($"/api/leads/{Id(lead)}");
        lead["email"]!.GetValue<string>().Should().Be("jane.doe@example.com");
        lead["name"]!.GetValue<string>().Should().Be("Jane Doe");
        lead["country"]!.GetValue<string>().Should().Be("US");
        lead["status"]!.GetValue<string>().Should().Be("new");
        lead["custom"]!["plan"]!.GetValue<string>().Should().Be("pro");
        lead["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("trial", "vip");

        var fetched = await JsonAsync(await A.GetAsync($"/api/leads/{Id(lead)}"));
        Canonical(fetched).Should().Be(Canonical(lead));
    }

    [Fact]
    public async Task A_lead_is_corrected_with_put_and_bad_edits_change_nothing()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var lead = await JsonAsync(await A.PostJsonAsync("/api/leads", new
        {
            email = $"jane-{suffix}@example.com", first_name = "Jane", company = "Acme", timezone = "America/New_York", tags = new[] { "trial" },
        }));
        var other = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"other-{suffix}@example.com" }));

        var edited = await A.PutJsonAsync($"/api/leads/{Id(lead)}", new
        {
            email = $"Jane.Roe-{suffix}@Example.com", first_name = "Jane", last_name = "Roe", company = "Acme Europe",
            timezone = "Europe/Berlin", country = "de", status = "engaged", tags = new[] { "vip" }, custom = new Dictionary<string, string> { ["plan"] = "pro" },
        });

        await ExpectAsync(edited, HttpStatusCode.OK);
        var read = await JsonAsync(await A.GetAsync($"/api/leads/{Id(lead)}"));
        (read["email"]!.GetValue<string>(), read["name"]!.GetValue<string>(), read["company"]!.GetValue<string>(), read["timezone"]!.GetValue<string>())
            .Should().Be(($"jane.roe-{suffix}@example.com", "Jane Roe", "Acme Europe", "Europe/Berlin"));
        (read["country"]!.GetValue<string>(), read["status"]!.GetValue<string>(), read["custom"]!["plan"]!.GetValue<string>()).Should().Be(("DE", "engaged", "pro"));
        read["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("vip");

        await ExpectProblemAsync(await A.PutJsonAsync($"/api/leads/{Id(lead)}", new { email = $"jane.roe-{suffix}@example.com", timezone = "Mars/Olympus" }),
            HttpStatusCode.BadRequest, "timezone");
        (await A.PutJsonAsync($"/api/leads/{Id(lead)}", new { email = $"OTHER-{suffix}@example.com" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await B.PutJsonAsync($"/api/leads/{Id(lead)}", new { email = $"stolen-{suffix}@example.com" })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        Canonical(await JsonAsync(await A.GetAsync($"/api/leads/{Id(lead)}"))).Should().Be(Canonical(read));
        (await JsonAsync(await A.GetAsync($"/api/leads/{Id(other)}")))["email"]!.GetValue<string>().Should().Be($"other-{suffix}@example.com");
    }

    [Fact]
    public async Task A_csv_imports_leads_reports_each_refused_row_and_can_update_stored_leads()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        await ExpectAsync(await A.PostJsonAsync("/api/leads", new { email = $"old-{s}@example.com", first_name = "Old", company = "Old Co" }), HttpStatusCode.Created);
        var csv = $"Email,First Name,Company,Plan\nada-{s}@example.com,Ada,Engines,pro\nnot-an-email,Bad,,\nold-{s}@example.com,,New Co,gold\n";

        var response = await A.PostCsvAsync("/api/leads/import", csv);

        await ExpectAsync(response, HttpStatusCode.OK);
        var report = await JsonAsync(response);
        (report["rows"]!.GetValue<int>(), report["imported"]!.GetValue<int>(), report["duplicates"]!.GetValue<int>(), report["invalid"]!.GetValue<int>())
            .Should().Be((3, 1, 1, 1));
        report["columns"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).Should().Equal("email", "first_name", "company", "custom.plan");
        report["rejected"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["code"]!.GetValue<string>())).Should().Equal((3, "invalid_email"), (4, "duplicate"));
        var ada = (await JsonAsync(await A.GetAsync($"/api/leads?q=ada-{s}")))["items"]![0]!;
        (ada["first_name"]!.GetValue<string>(), ada["company"]!.GetValue<string>(), ada["custom"]!["plan"]!.GetValue<string>()).Should().Be(("Ada", "Engines", "pro"));
        (await B.GetStringAsync($"/api/leads?q={s}")).Should().Contain("\"total\":0", "another tenant sees none of it");

        // The same file as a multipart upload, updating stored leads with the row's non-empty cells.
        using var form = new MultipartFormDataContent { { new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), "file", "leads.csv" } };
        var updated = await JsonAsync(await A.PostAsync("/api/leads/import?update_existing=true", form));
        (updated["imported"]!.GetValue<int>(), updated["updated"]!.GetValue<int>(), updated["unchanged"]!.GetValue<int>()).Should().Be((0, 1, 1));
        var old = (await JsonAsync(await A.GetAsync($"/api/leads?q=old-{s}")))["items"]![0]!;
        (old["first_name"]!.GetValue<string>(), old["company"]!.GetValue<string>(), old["custom"]!["plan"]!.GetValue<string>()).Should().Be(("Old", "New Co", "gold"));
    }

    [Fact]
    public async Task A_csv_import_that_cannot_be_read_stores_nothing_and_says_why()
    {
        var before = await A.GetStringAsync("/api/leads?page_size=200");

        var malformed = await ExpectProblemAsync(await A.PostCsvAsync("/api/leads/import", "email,name\nok@example.com,Ok\nbad@example.com,\"never closed\n"),
            HttpStatusCode.BadRequest, "file");
        malformed["detail"]!.GetValue<string>().Should().Contain("Line 3").And.Contain("Nothing was imported");
        await ExpectProblemAsync(await A.PostCsvAsync("/api/leads/import", "name,company\nAda,Engines\n"), HttpStatusCode.BadRequest, "mapping");
        await ExpectProblemAsync(await A.PostCsvAsync("/api/leads/import?update_existing=yes", "email\nx@example.com\n"), HttpStatusCode.BadRequest, "update_existing");
        var json = await ExpectProblemAsync(await A.PostRawAsync("/api/leads/import", "{\"email\": \"x@example.com\"}"), HttpStatusCode.UnsupportedMediaType);
        json["detail"]!.GetValue<string>().Should().Contain("text/csv");
        var huge = "email\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"lead{i}@example.com\n"));
        (await A.PostCsvAsync("/api/leads/import", huge)).StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);

        (await A.GetStringAsync("/api/leads?page_size=200")).Should().Be(before);
    }

    [Fact]
    public async Task Exported_leads_import_back_as_the_same_leads_and_spreadsheets_run_none_of_their_text()
    {
        var m = $"x{Guid.NewGuid():N}"[..9];
        await ExpectAsync(await A.PostJsonAsync("/api/leads", new
        {
            email = $"ada-{m}@example.com", first_name = "Ada", last_name = "Lovelace", company = "Engines, \"Analytical\" Ltd", title = "=HYPERLINK(\"http://evil\")",
            timezone = "Europe/London", country = "GB", tags = new[] { "vip", "beta" }, custom = new Dictionary<string, string> { ["phone"] = "+44 20 7946", ["note"] = "two\nlines" },
        }), HttpStatusCode.Created);
        await ExpectAsync(await A.PostJsonAsync("/api/leads", new { email = $"bob-{m}@example.com", name = "Bob", custom = new Dictionary<string, string> { ["plan"] = "pro" } }), HttpStatusCode.Created);

        var response = await A.GetAsync($"/api/leads/export?q={m}");

        await ExpectAsync(response, HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.Should().StartWith("leads-").And.EndWith(".csv");
        var csv = await response.Content.ReadAsStringAsync();
        csv.Split('\n')[0].TrimEnd('\r').Should().Be("email,first_name,last_name,name,company,title,timezone,country,status,tags,custom.note,custom.phone,custom.plan,unsubscribed_at,bounced_at,created_at");
        csv.Should().Contain("\"'=HYPERLINK(\"\"http://evil\"\")\"", "a spreadsheet must not run a lead's title as a formula");
        csv.Should().Contain("'+44 20 7946");
        (await B.GetStringAsync($"/api/leads/export?q={m}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("another tenant exports only its header");

        var imported = await JsonAsync(await B.PostCsvAsync("/api/leads/import", csv));
        (imported["imported"]!.GetValue<int>(), imported["rejected"]!.AsArray().Count).Should().Be((2, 0));
        imported["columns"]!.AsArray().TakeLast(3).Select(c => c!["field"]).Should().OnlyContain(f => f == null, "when it was exported is not the lead's to set");
        var original = (await JsonAsync(await A.GetAsync($"/api/leads?q={m}")))["items"]!.AsArray();
        var copy = (await JsonAsync(await B.GetAsync($"/api/leads?q={m}")))["items"]!.AsArray();
        copy.Select(Comparable).Should().BeEquivalentTo(original.Select(Comparable));
        var ada = copy.Single(l => l!["email"]!.GetValue<string>().StartsWith("ada"))!;
        (ada["company"]!.GetValue<string>(), ada["title"]!.GetValue<string>(), ada["custom"]!["note"]!.GetValue<string>(), ada["custom"]!["phone"]!.GetValue<string>())
            .Should().Be(("Engines, \"Analytical\" Ltd", "=HYPERLINK(\"http://evil\")", "two\nlines", "+44 20 7946"));

        await ExpectProblemAsync(await A.GetAsync("/api/leads/export?campaign_id=nope"), HttpStatusCode.BadRequest, "campaign_id");
    }

    /// <summary>A lead as JSON without what a copy cannot share: its id and when it was stored.</summary>
    private static string Comparable(JsonNode? lead)
    {
        var copy = lead!.DeepClone().AsObject();
        foreach (var key in new[] { "id", "created_at", "updated_at" }) copy.Remove(key);
        // Custom fields in name order: the export writes them so.
        copy["custom"] = new JsonObject(copy["custom"]!.AsObject().OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Leads_list_searches_by_email_name_and_company()
    {
        var marker = $"m{Guid.NewGuid():N}"[..10];
        await A.PostJsonAsync("/api/leads", new { email = $"{marker}-1@example.com" });
        await A.PostJsonAsync("/api/leads", new { email = $"other-{Guid.NewGuid():N}@example.com", company = $"{marker} Corp" });
        await A.PostJsonAsync("/api/leads", new { email = $"other-{Guid.NewGuid():N}@example.com", name = "Nobody" });

        var found = await JsonAsync(await A.GetAsync($"/api/leads?q={marker}&page_size=10"));
        found["total"]!.GetValue<int>().Should().Be(2);
        found["items"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task A_campaign_with_a_sequence_collects_leads_idempotently()
    {
        var sequence = await CreateSequenceAsync(A, "For campaign", Email());
        var created = await A.PostJsonAsync("/api/campaigns", new { name = "Q4 push", sequence_id = Id(sequence) });
        await ExpectAsync(created, HttpStatusCode.Created);
        var campaign = await JsonAsync(created);
        created.Headers.Location!.ToString().Should().Be($"/api/campaigns/{Id(campaign)}");
        campaign["sequence_ids"]!.AsArray().Select(s => Guid.Parse(s!.GetValue<string>())).Should().Equal(Id(sequence));

        var leads = new List<Guid>();
        for (var i = 0; i < 3; i++)
            leads.Add(Id(await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"c{i}-{Guid.NewGuid():N}@example.com" }))));

        var first = await JsonAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = leads.Take(2) }));
        first["added"]!.GetValue<int>().Should().Be(2);
        var second = await JsonAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = leads }));
        second["added"]!.GetValue<int>().Should().Be(1);
        second["already_in_campaign"]!.GetValue<int>().Should().Be(2);
        second["lead_count"]!.GetValue<int>().Should().Be(3);

        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["lead_count"]!.GetValue<int>().Should().Be(3);
        var list = await JsonAsync(await A.GetAsync("/api/campaigns?q=Q4"));
        list["items"]!.AsArray().Should().Contain(c => c!["name"]!.GetValue<string>() == "Q4 push");

        var renamed = await JsonAsync(await A.PutJsonAsync($"/api/campaigns/{Id(campaign)}", new { name = "Q4 push, Europe", description = "EMEA only" }));
        (renamed["name"]!.GetValue<string>(), renamed["lead_count"]!.GetValue<int>()).Should().Be(("Q4 push, Europe", 3));
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/campaigns/{Id(campaign)}", new { name = "" }), HttpStatusCode.BadRequest, "name");
        (await B.PutJsonAsync($"/api/campaigns/{Id(campaign)}", new { name = "Stolen" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["name"]!.GetValue<string>().Should().Be("Q4 push, Europe");
    }

    [Fact]
    public async Task Leads_are_enrolled_in_a_sequence_in_bulk_and_a_refused_call_enrolls_nobody()
    {
        var sequence = await CreateSequenceAsync(A, "Bulk target", Email());
        var enroll = $"/api/sequences/{Id(sequence)}/enroll";
        var leads = new List<Guid>();
        var emails = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            emails.Add($"bulk{i}-{Guid.NewGuid():N}@example.com");
            leads.Add(Id(await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = emails[i] }))));
        }
        await ExpectAsync(await A.PostJsonAsync($"/api/leads/{leads[0]}/assign-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.OK);
        await ExpectAsync(await A.PostJsonAsync("/api/suppressions", new { email = emails[2] }), HttpStatusCode.Created);

        // An unknown id refuses the whole call: leads[3], listed before it, is not enrolled either.
        await ExpectProblemAsync(await A.PostJsonAsync(enroll, new { lead_ids = new[] { leads[3], Guid.NewGuid() } }), HttpStatusCode.BadRequest, "lead_ids[1]");
        await ExpectProblemAsync(await A.PostJsonAsync(enroll, new { lead_ids = Array.Empty<Guid>() }), HttpStatusCode.BadRequest, "lead_ids");
        await ExpectProblemAsync(await A.PostJsonAsync(enroll, new { lead_ids = Enumerable.Range(0, 10_001).Select(_ => leads[3]) }), HttpStatusCode.BadRequest, "lead_ids");
        (await EnrolledAsync(leads[3])).Should().BeEmpty("a refused call enrolls nobody");

        var response = await A.PostJsonAsync(enroll, new { lead_ids = new[] { leads[0], leads[1], leads[2], leads[3], leads[1] } });
        await ExpectAsync(response, HttpStatusCode.OK);
        var counts = await JsonAsync(response);
        (counts["enrolled"]!.GetValue<int>(), counts["already_enrolled"]!.GetValue<int>(), counts["suppressed"]!.GetValue<int>()).Should().Be((2, 1, 1));
        (await EnrolledAsync(leads[1])).Should().Equal(Id(sequence));
        (await EnrolledAsync(leads[2])).Should().BeEmpty("a blocked address is never mailed");

        // Another workspace sees neither the sequence nor the leads.
        (await B.PostJsonAsync(enroll, new { lead_ids = new[] { leads[3] } })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var theirs = await CreateSequenceAsync(B, "Theirs", Email());
        await ExpectProblemAsync(await B.PostJsonAsync($"/api/sequences/{Id(theirs)}/enroll", new { lead_ids = new[] { leads[3] } }), HttpStatusCode.BadRequest, "lead_ids[0]");

        await ExpectAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/archive", new { }), HttpStatusCode.OK);
        var late = Id(await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"late-{Guid.NewGuid():N}@example.com" })));
        await ExpectProblemAsync(await A.PostJsonAsync(enroll, new { lead_ids = new[] { late } }), HttpStatusCode.Conflict);

        async Task<List<Guid>> EnrolledAsync(Guid lead) =>
            (await A.GetFromJsonAsync<JsonArray>($"/api/leads/{lead}/sequence-state"))!.Select(e => Guid.Parse(e!["sequence_id"]!.GetValue<string>())).ToList();
    }

    [Fact]
    public async Task Two_campaigns_of_a_workspace_cannot_share_a_name()
    {
        var name = $"Launch {Guid.NewGuid():N}"[..15];
        var first = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name }));
        var other = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = name + " (EU)" }));

        var again = await ExpectProblemAsync(await A.PostJsonAsync("/api/campaigns", new { name = " " + name.ToUpperInvariant() + " " }), HttpStatusCode.BadRequest, "name");
        again.ToJsonString().Should().Contain("already exists");
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/campaigns/{Id(other)}", new { name }), HttpStatusCode.BadRequest, "name");
        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(other)}")))["name"]!.GetValue<string>().Should().Be(name + " (EU)", "a refused rename changes nothing");

        (await JsonAsync(await A.PutJsonAsync($"/api/campaigns/{Id(first)}", new { name, description = "Kept its own name" })))["description"]!
            .GetValue<string>().Should().Be("Kept its own name", "a campaign may keep its own name");
        await ExpectAsync(await B.PostJsonAsync("/api/campaigns", new { name }), HttpStatusCode.Created);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteLeadsAndCampaignsApiTests(SqliteApp app) : LeadsAndCampaignsApiTests(app), IClassFixture<SqliteApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLeadsAndCampaignsApiTests(PostgresApp app) : LeadsAndCampaignsApiTests(app), IClassFixture<PostgresApp>;
