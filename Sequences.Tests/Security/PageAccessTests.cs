using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>Every page that takes an id (found from the app's [Route] attributes, so new pages are covered) sends a
/// stranger to the login page and shows nothing. Signed-in users of another tenant see `not-found`: the bUnit tests of
/// each page prove that (LeadPagesTests, SequenceDetailPageTests, CampaignPagesTests).</summary>
[Collection(SqliteCollection.Name)]
public sealed class PageAccessTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    public static IReadOnlyList<string> PageRoutesWithIds() =>
        typeof(Sequences.Web.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            .Where(t => t.Contains('{'))
            .Distinct()
            .Order()
            .ToList();

    [Fact]
    public async Task Every_page_with_an_id_redirects_a_stranger_to_login()
    {
        var routes = PageRoutesWithIds();
        routes.Should().Contain(["/sequences/{Id:guid}", "/leads/{Id:guid}", "/campaigns/{Id:guid}"]);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var route in routes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route, "\\{[^}]+\\}", Guid.NewGuid().ToString());
            var response = await client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, path);
            response.Headers.Location!.OriginalString.Should().Contain("/login", path);
        }
    }
}
