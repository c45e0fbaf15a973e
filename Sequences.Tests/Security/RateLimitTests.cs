using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>The app with tight limits, so a handful of requests trips them (every test client shares one address).</summary>
public sealed class RateLimitedApp : SqliteApp
{
    public const int Login = 3;
    public const int Tracking = 5;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["RateLimits:LoginPerMinute"] = Login.ToString(),
        ["RateLimits:TrackingPerMinute"] = Tracking.ToString(),
    };
}

[Collection(SqliteCollection.Name)]
public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Public_tracking_urls_answer_429_with_retry_after_once_the_limit_is_used_up()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var paths = new[] { "/t/o/x", "/t/c/x", "/u/x" };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedApp.Tracking + 3; i++)
            statuses.Add((await client.GetAsync(paths[i % paths.Length])).StatusCode);

        statuses.Take(RateLimitedApp.Tracking).Should().AllBeEquivalentTo(HttpStatusCode.NotFound, "unknown tokens are 404 until the limit");
        statuses.Skip(RateLimitedApp.Tracking).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests);

        var limited = await client.PostAsync("/u/x", null);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        int.Parse(limited.Headers.GetValues("Retry-After").Single()).Should().BeInRange(1, 60);

        // The limit is the strangers' URLs only: the API and the pages go on.
        (await app.ClientFor(SequencesApp.KeyA).GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_address()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedApp.Login + 2; i++)
            statuses.Add((await LoginForm.PostAsync(client, $"nobody-{i}@example.com", "Wrong-password-1")).StatusCode);

        statuses.Take(RateLimitedApp.Login).Should().AllBeEquivalentTo(HttpStatusCode.OK, "a failed sign-in shows the form again");
        statuses.Skip(RateLimitedApp.Login).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests);
        (await client.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK, "showing the form is not limited");
        foreach (var form in new[] { "/forgot-password", "/reset-password" })
            (await client.PostAsync(form, new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "nobody@example.com" })))
                .StatusCode.Should().Be(HttpStatusCode.TooManyRequests, $"{form} shares the sign-in limit: it checks links or sends mail");
    }
}
