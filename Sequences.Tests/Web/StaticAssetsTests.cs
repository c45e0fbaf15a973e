using System.Net;
using System.Text.RegularExpressions;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Web;

/// <summary>What a browser downloads on its first visit: MudBlazor's stylesheet alone is 627 KB, 42 KB with brotli.</summary>
[Collection(SqliteCollection.Name)]
public sealed partial class StaticAssetsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Every_stylesheet_and_script_a_page_links_goes_out_compressed_to_a_browser_that_accepts_it()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/login");
        var assets = Asset().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        assets.Should().Contain(url => url.Contains("MudBlazor.min") && url.EndsWith(".css")).And.Contain(url => url.Contains("blazor.web"));

        foreach (var url in assets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK, url);
            response.Content.Headers.ContentEncoding.Should().Equal(["gzip"], $"{url} is served compressed");
            response.Headers.Vary.Should().Contain("Accept-Encoding", "caches must keep the encodings apart");
        }
    }

    [GeneratedRegex("""<(?:link rel="stylesheet" href|script src)="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex Asset();
}
