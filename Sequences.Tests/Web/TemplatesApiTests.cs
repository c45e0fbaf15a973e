using System.Net;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Web;

/// <summary><c>/api/templates</c>: the shipped library (read-only) and a tenant's own templates.</summary>
[Collection(SqliteCollection.Name)]
public sealed class TemplatesApiTests(SqliteApp app) : ApiTestBase(app), IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Lists_the_library_first_and_keeps_it_read_only()
    {
        var list = await JsonAsync(await A.GetAsync("/api/templates?page_size=5"));

        list["total"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(5);
        var items = list["items"]!.AsArray();
        items.Select(i => i!["name"]!.GetValue<string>()).Should().Equal("Cold outreach", "Follow-up", "Break-up", "Re-engagement", "Meeting request");
        items.Should().OnlyContain(i => i!["built_in"]!.GetValue<bool>());

        var id = Id(items[0]!);
        await ExpectProblemAsync(await A.PutJsonAsync($"/api/templates/{id}", new { name = "Mine", subject_line = "s", body_html = "b" }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await A.DeleteAsync($"/api/templates/{id}"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Create_read_update_copy_and_delete_a_custom_template()
    {
        var created = await A.PostJsonAsync("/api/templates", new { name = "Demo follow-up", subject_line = "Hi {{ lead.first_name }}", body_html = "<p>Hello</p>" });
        await ExpectAsync(created, HttpStatusCode.Created);
        var template = await JsonAsync(created);
        var id = Id(template);
        created.Headers.Location!.ToString().Should().Be($"/api/templates/{id}");
        template["built_in"]!.GetValue<bool>().Should().BeFalse();
        template["category"]!.GetValue<string>().Should().Be("custom");

        var updated = await A.PutJsonAsync($"/api/templates/{id}", new { name = "Renamed", subject_line = "Yo", body_html = "<p>x</p>" });
        await ExpectAsync(updated, HttpStatusCode.OK);
        (await JsonAsync(await A.GetAsync($"/api/templates/{id}")))["name"]!.GetValue<string>().Should().Be("Renamed");

        var copy = await A.PostAsync($"/api/templates/{id}/copy", null);
        await ExpectAsync(copy, HttpStatusCode.Created);
        (await JsonAsync(copy))["name"]!.GetValue<string>().Should().Be("Renamed (copy)");

        await ExpectProblemAsync(await B.GetAsync($"/api/templates/{id}"), HttpStatusCode.NotFound);
        await ExpectAsync(await A.DeleteAsync($"/api/templates/{id}"), HttpStatusCode.NoContent);
        await ExpectProblemAsync(await A.GetAsync($"/api/templates/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Liquid_that_does_not_parse_is_a_400_naming_the_field()
    {
        var response = await A.PostJsonAsync("/api/templates", new { name = "Broken", subject_line = "ok", body_html = "<p>{{ lead.first_name </p>" });

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "body_html");
    }

    [Fact]
    public async Task Preview_renders_with_the_sample_lead_and_reports_unknown_variables()
    {
        var response = await A.PostJsonAsync("/api/templates/preview", new { subject_line = "Hi {{ lead.first_name }} {{ lead.shoe_size }}", body_html = "<p>{{ lead.company }}</p>" });

        await ExpectAsync(response, HttpStatusCode.OK);
        var preview = await JsonAsync(response);
        preview["subject"]!.GetValue<string>().Should().Be("Hi Jane ");
        preview["body_html"]!.GetValue<string>().Should().Be("<p>Acme Corp</p>");
        preview["issues"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()).Should().Contain("unknown_variable");
    }
}
