using System.Net;
using System.Text.Json.Nodes;
using Sequences.Infrastructure.Mail;
using Sequences.Tests.Api;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

public sealed class DisplayHtmlTests
{
    private const string Hostile = """
        <style>p { color: red }</style>
        <table bgcolor="#fff" cellpadding="4"><tr><td style="font-weight:bold">Hello</td></tr></table>
        <script>alert(1)</script>
        <img src="https://example.com/logo.png" onerror="alert(2)">
        <a href="javascript:alert(3)">js</a> <a href="https://example.com/ok">ok</a> <a href="mailto:a@example.com">mail</a>
        <iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="p"></form>
        <svg onload="alert(4)"></svg><object data="x.swf"></object>
        """;

    [Fact]
    public void Scripts_handlers_frames_forms_and_javascript_urls_go_and_email_layout_stays()
    {
        var html = DisplayHtml.Sanitize(Hostile)!;

        html.Should().NotContainAny("<script", "alert(", "onerror", "onload", "javascript:", "<iframe", "<form", "<input", "<object");
        html.Should().Contain("<table").And.Contain("bgcolor=\"#fff\"").And.Contain("font-weight: bold").And.Contain("<style>")
            .And.Contain("https://example.com/logo.png").And.Contain("href=\"https://example.com/ok\"").And.Contain("mailto:a@example.com");
    }
}

/// <summary>The template preview (the page's and the API's) shows sanitised HTML, even when a lead field carries markup.</summary>
[Collection(SqliteCollection.Name)]
public sealed class PreviewSanitisingTests(SqliteApp app) : ApiTestBase(app), IClassFixture<SqliteApp>
{
    [Fact]
    public async Task A_template_preview_never_returns_script()
    {
        var lead = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = $"x-{Guid.NewGuid():N}@example.com", company = "<img src=x onerror=alert(1)>" }));
        var response = await A.PostJsonAsync("/api/templates/preview", new
        {
            subject_line = "Hi",
            body_html = "<p onclick=\"steal()\">Hi {{ lead.company }}</p><script>alert(2)</script><a href=\"javascript:alert(3)\">x</a>",
            lead_id = Id(lead),
        });
        await ExpectAsync(response, HttpStatusCode.OK);
        var html = (await JsonAsync(response))["body_html"]!.GetValue<string>();
        html.Should().Contain("<p>Hi &lt;img", "a lead field is text, never markup").And.NotContainAny("<script", "onclick", "javascript:", "<img");
    }
}
