using System.Net;
using System.Text.RegularExpressions;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>Every response carries a CSP, nosniff and a referrer policy; pages allow only the app's own scripts.
/// That the app still works under this policy is proven in Chromium by SecurityBrowserTests.</summary>
[Collection(SqliteCollection.Name)]
public sealed partial class SecurityHeadersTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

    [Fact]
    public async Task Pages_allow_only_the_apps_own_scripts_and_the_nonced_import_map()
    {
        var response = await app.CreateClient().GetAsync("/login");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var csp = Header(response, "Content-Security-Policy");
        var nonce = Nonce().Match(csp).Groups[1].Value;
        nonce.Should().NotBeEmpty(csp);
        csp.Should().Contain("default-src 'self'").And.Contain("object-src 'none'").And.Contain("frame-ancestors 'self'")
            .And.Contain("connect-src 'self' ws: wss:").And.Contain("base-uri 'self'");
        Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value.Should().NotContain("unsafe-inline").And.NotContain("unsafe-eval");
        (await response.Content.ReadAsStringAsync()).Should().Contain($"<script type=\"importmap\" nonce=\"{nonce}\"");
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "Referrer-Policy").Should().Be("strict-origin-when-cross-origin");
        Header(response, "X-Frame-Options").Should().Be("SAMEORIGIN");

        var again = Header(await app.CreateClient().GetAsync("/login"), "Content-Security-Policy");
        Nonce().Match(again).Groups[1].Value.Should().NotBe(nonce, "a nonce is never reused");
    }

    [Theory]
    [InlineData("/api/sequences")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    public async Task The_api_and_health_forbid_any_rendering(string path)
    {
        var response = await app.ClientFor(SequencesApp.KeyA).GetAsync(path);
        Header(response, "Content-Security-Policy").Should().Be("default-src 'none'; frame-ancestors 'none'");
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
    }

    [Fact]
    public async Task Errors_and_unauthenticated_answers_carry_the_headers_too()
    {
        var response = await app.CreateClient().GetAsync("/api/sequences");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "Content-Security-Policy").Should().NotBeEmpty();
    }

    [Fact]
    public async Task The_api_reference_has_its_own_policy_and_cannot_be_framed()
    {
        var response = await app.CreateClient().GetAsync("/api/docs");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Content-Security-Policy").Should().Contain("frame-ancestors 'none'").And.Contain("script-src 'self' 'unsafe-inline'");
    }

    [Fact]
    public async Task Tracking_pages_keep_their_stricter_policy()
    {
        var response = await app.CreateClient().GetAsync("/u/not-a-token");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        Header(response, "Content-Security-Policy").Should().StartWith("default-src 'none'").And.Contain("frame-ancestors 'none'");
        Header(response, "Referrer-Policy").Should().Be("no-referrer");
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
