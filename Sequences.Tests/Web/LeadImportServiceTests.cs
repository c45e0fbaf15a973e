using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Tests.Web;

/// <summary>CSV import without the UI: parsing, mapping, rejected rows with line numbers, duplicates, batches and tenant scope.</summary>
public sealed class LeadImportServiceTests : DashboardTestBase
{
    [Fact]
    public void Parses_quoted_fields_line_breaks_and_semicolon_files_with_the_line_each_row_starts_on()
    {
        var document = LeadImportService.Parse("email;name;tags\r\na@x.io;\"Ada\r\nLovelace\";\"vip;beta\"\r\n\r\nb@x.io;Bob;\r\n");

        document.Headers.Should().Equal("email", "name", "tags");
        document.Rows.Select(r => r.Line).Should().Equal(2, 5);
        document.Rows[0].Fields.Should().Equal("a@x.io", "Ada\r\nLovelace", "vip;beta");
        document.Rows[1].Fields[1].Should().Be("Bob");
    }

    [Fact]
    public void A_malformed_file_is_refused_with_its_line()
    {
        var act = () => LeadImportService.Parse("email,name\nok@x.io,Ok\nbad@x.io,\"never closed\nc@x.io,C\n");

        act.Should().Throw<CsvImportException>().Which.Line.Should().Be(3);
    }

    [Fact]
    public void Suggests_fields_from_common_header_names()
    {
        var mapping = LeadImportService.SuggestMapping(["E-mail", "First Name", "Surname", "Organisation", "Job title", "Time zone", "Country", "Tags", "Plan", "custom.tier", "email"]);

        mapping.Fields.Should().Equal("email", "first_name", "last_name", "company", "title", "timezone", "country", "tags", "custom.plan", "custom.tier", null);
    }

    [Fact]
    public async Task Imports_valid_rows_and_reports_every_rejected_row_with_its_line_and_reason()
    {
        await Seed.LeadAsync(Context.TenantA, "existing@example.com");
        const string csv = """
            email,first_name,timezone,tags,plan
            ada@example.com,Ada,europe/london,vip; beta,pro
            not-an-email,Bad,,,
            zed@example.com,Zed,Mars/Olympus,,
            ADA@example.com,Ada again,,,
            existing@example.com,Existing,,,
            grace@example.com,Grace,,,
            ,No address,,,
            """;

        var report = await ImportAsync(Context.TenantA, csv);

        report.Rows.Should().Be(7);
        report.Imported.Should().Be(2);
        report.Duplicates.Should().Be(2);
        report.Invalid.Should().Be(3);
        report.Error.Should().BeNull();
        report.Rejected.Select(r => (r.Line, r.Code)).Should().Equal((3, "invalid_email"), (4, "invalid_timezone"), (5, "duplicate"), (6, "duplicate"), (8, "invalid_email"));
        report.Rejected[4].Reason.Should().Be("The email address is missing.");
        report.Rejected[0].Reason.Should().Contain("'not-an-email' is not a valid email address");
        report.Rejected[1].Reason.Should().Contain("'Mars/Olympus' is not an IANA time zone");
        report.Rejected[2].Reason.Should().Contain("line 2");
        report.Rejected[3].Reason.Should().Contain("already exists");

        var ada = await Seed.QueryAsync(Context.TenantA, db => db.Leads.SingleAsync(l => l.Email == "ada@example.com"));
        ada.FirstName.Should().Be("Ada");
        ada.Timezone.Should().Be("Europe/London", "a zone typed in lower case is stored as the zone database spells it");
        ada.Tags.Should().Equal("vip", "beta");
        ada.Custom.Should().Contain("plan", "pro");
        (await CountAsync(Context.TenantA)).Should().Be(3);
    }

    [Fact]
    public async Task Stores_in_batches_and_reports_progress_between_them()
    {
        var csv = "email\n" + string.Join("\n", Enumerable.Range(1, 25).Select(i => $"lead{i}@example.com"));
        var progress = new List<ImportProgress>();
        LeadImportReport? report = null;

        await Context.AsTenantAsync(Context.TenantA, async services =>
        {
            var importer = new LeadImportService(services.GetRequiredService<IDbContextFactory<SequencesDbContext>>(), services.GetRequiredService<TimeProvider>()) { BatchSize = 10 };
            report = await importer.ImportAsync(LeadImportService.Parse(csv), new LeadImportMapping(["email"]), progress: p =>
            {
                progress.Add(p);
                return Task.CompletedTask;
            });
        });

        report!.Imported.Should().Be(25);
        progress.Select(p => p.Processed).Should().Equal(0, 10, 20, 25);
        progress.Should().OnlyContain(p => p.Total == 25);
        (await CountAsync(Context.TenantA)).Should().Be(25);
    }

    [Fact]
    public async Task A_mapping_without_email_or_with_a_field_twice_stores_nothing()
    {
        var document = LeadImportService.Parse("mail,name,other\na@example.com,A,B\n");

        var noEmail = async () => await ImportAsync(Context.TenantA, document, new LeadImportMapping([null, "name", null]));
        var twice = async () => await ImportAsync(Context.TenantA, document, new LeadImportMapping(["email", "name", "name"]));

        (await noEmail.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Code == "email_required");
        (await twice.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Code == "duplicate_field");
        (await CountAsync(Context.TenantA)).Should().Be(0);
    }

    [Fact]
    public async Task Rows_with_a_different_number_of_fields_are_rejected_not_guessed()
    {
        var report = await ImportAsync(Context.TenantA, "email,name\na@example.com,A,extra\nb@example.com,B\n");

        report.Imported.Should().Be(1);
        report.Rejected.Should().ContainSingle().Which.Should().Be(new RejectedRow(2, null, "wrong_field_count", "The row has 3 fields; the header has 2."));
    }

    [Fact]
    public async Task Rows_for_stored_leads_update_them_when_asked_with_their_non_empty_cells_only()
    {
        await Context.AsTenantAsync(Context.TenantA, services => services.GetRequiredService<LeadService>().CreateAsync(new Sequences.Core.Leads.LeadInput
        {
            Email = "ada@example.com", FirstName = "Ada", LastName = "Lovelace", Company = "Old Co", Title = "CTO", Timezone = "America/New_York",
            Tags = ["trial"], Custom = new() { ["plan"] = "basic", ["seats"] = "3" },
        }));
        const string csv = """
            email,first_name,company,title,timezone,tags,plan
            ADA@example.com,Augusta,New Co,,Europe/Berlin,vip;emea,pro
            grace@example.com,Grace,Navy,,,,
            """;

        var skipped = await ImportAsync(Context.TenantA, csv);
        (skipped.Imported, skipped.Updated, skipped.Duplicates).Should().Be((1, 0, 1));
        (await AdaAsync()).Company.Should().Be("Old Co", "without the option a stored lead is left alone");

        var document = LeadImportService.Parse(csv);
        var updated = await ImportAsync(Context.TenantA, document, LeadImportService.SuggestMapping(document.Headers), updateExisting: true);

        (updated.Imported, updated.Updated, updated.Unchanged, updated.Duplicates, updated.Rejected.Count).Should().Be((0, 1, 1, 0, 0), "Grace's row matches what is stored");
        var ada = await AdaAsync();
        (ada.FirstName, ada.LastName, ada.Name, ada.Company, ada.Title, ada.Timezone).Should()
            .Be(("Augusta", "Lovelace", "Augusta Lovelace", "New Co", "CTO", "Europe/Berlin"), "empty cells keep what is stored; the name follows the first name");
        ada.Tags.Should().Equal("vip", "emea");
        ada.Custom.Should().Equal(new Dictionary<string, string> { ["plan"] = "pro", ["seats"] = "3" });
        (await CountAsync(Context.TenantA)).Should().Be(2);
    }

    [Fact]
    public async Task Duplicates_are_per_tenant()
    {
        await Seed.LeadAsync(Context.TenantB, "shared@example.com");

        var report = await ImportAsync(Context.TenantA, "email\nshared@example.com\n");

        report.Imported.Should().Be(1);
        (await CountAsync(Context.TenantA)).Should().Be(1);
        (await CountAsync(Context.TenantB)).Should().Be(1);
    }

    private Task<LeadImportReport> ImportAsync(Guid tenantId, string csv)
    {
        var document = LeadImportService.Parse(csv);
        return ImportAsync(tenantId, document, LeadImportService.SuggestMapping(document.Headers));
    }

    private async Task<LeadImportReport> ImportAsync(Guid tenantId, CsvDocument document, LeadImportMapping mapping, bool updateExisting = false)
    {
        LeadImportReport? report = null;
        await Context.AsTenantAsync(tenantId, async services =>
            report = await services.GetRequiredService<LeadImportService>().ImportAsync(document, mapping, updateExisting));
        return report!;
    }

    private Task<Sequences.Core.Leads.Lead> AdaAsync() =>
        Seed.QueryAsync(Context.TenantA, db => db.Leads.AsNoTracking().SingleAsync(l => l.Email == "ada@example.com"));

    private Task<int> CountAsync(Guid tenantId) => Seed.QueryAsync(tenantId, db => db.Leads.CountAsync());
}
