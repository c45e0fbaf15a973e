using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Tenants;
using Sequences.Infrastructure.Tracking;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Tracking;

/// <summary>Pixel, click redirects and unsubscribe through HTTP, on mail the engine really sent to the test SMTP server.</summary>
public abstract partial class TrackingEndpointsTests(SequencesApp app) : EngineTestBase(app)
{
    private static readonly object FollowUp = new { step_type = "email", delay_days = 1, subject_line = "Follow-up", body_text = "Still there?" };

    private const string Body = """
        <html><body>
        <p>Hello {{ lead.first_name }}, see <a href="https://example.com/pricing?plan=pro&amp;ref=mail">pricing</a>
        or <a href="https://example.com/docs">the docs</a> at <a href="https://bücher.example/straße?q=é">Bücher</a>.</p>
        <p><a href="https://example.com/private" data-notrack>private</a> <a href="mailto:help@example.com">mail us</a></p>
        <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
        </body></html>
        """;

    /// <summary>Follows nothing by itself, so a redirect is seen as one; carries no API key, as a mail client would not.</summary>
    private HttpClient Browser { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A lead that got the first email of a new sequence (whose next step, if any, is <paramref name="followUp"/>).</summary>
    private async Task<(TestLead Lead, Guid Sequence, MimeMessage Mail)> SentAsync(bool trackOpens = true, bool trackClicks = true, object? followUp = null)
    {
        object first = new { step_type = "email", subject_line = "Tracked", body_html = Body };
        var sequence = await StartedSequenceAsync(
            new { send_window = new { start = "00:00", end = "24:00" }, business_days_only = false, track_opens = trackOpens, track_clicks = trackClicks },
            followUp is null ? [first] : [first, followUp]);
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync();
        return (lead, Id(sequence), MailsTo(lead).Should().ContainSingle().Subject);
    }

    private static IDocument Html(MimeMessage mail) => new HtmlParser().ParseDocument(mail.HtmlBody ?? "");

    private static List<string> Hrefs(MimeMessage mail) => Html(mail).QuerySelectorAll("a").Select(a => a.GetAttribute("href")!).ToList();

    private static string? PixelUrl(MimeMessage mail) => Html(mail).QuerySelector("img[width='1'][height='1']")?.GetAttribute("src");

    /// <summary>The path and query of a link in the mail: the test server answers whatever the host.</summary>
    private static string Local(string url) => new Uri(url).PathAndQuery;

    private static string HeaderUnsubscribeUrl(MimeMessage mail) => HttpsTarget().Match(mail.Headers["List-Unsubscribe"] ?? "").Groups[1].Value;

    [GeneratedRegex("<(https?://[^>]+)>")]
    private static partial Regex HttpsTarget();

    private async Task<int> CountAsync(Guid lead, EngagementType type) =>
        await DbAsync(db => db.EngagementEvents.CountAsync(e => e.LeadId == lead && e.Type == type));

    private async Task<int> CounterAsync(TestLead lead, Guid sequence, string counter) => (await StateAsync(lead, sequence))[counter]!.GetValue<int>();

    private static async Task ExpectNotFoundAsync(HttpResponseMessage response)
    {
        await ExpectAsync(response, HttpStatusCode.NotFound);
        response.Headers.Location.Should().BeNull("a bad token never redirects");
    }

    [Fact]
    public async Task The_pixel_counts_one_open_however_often_it_is_loaded()
    {
        var (lead, sequence, mail) = await SentAsync();
        var pixel = PixelUrl(mail);
        pixel.Should().StartWith("https://sequences.test/t/o/");
        mail.HtmlBody.Should().MatchRegex("<img [^>]+></body>", "the pixel closes the body");

        for (var i = 0; i < 2; i++)
        {
            var response = await Browser.GetAsync(Local(pixel!));
            await ExpectAsync(response, HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.Should().Be("image/gif");
            (await response.Content.ReadAsByteArrayAsync()).Should().StartWith([.. "GIF89a"u8, 1, 0, 1, 0], "a 1x1 GIF");
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
        }

        (await CounterAsync(lead, sequence, "emails_opened")).Should().Be(1);
        (await CountAsync(lead, EngagementType.Opened)).Should().Be(2, "every load is an event; only the first counts as unique");
        await ExpectNotFoundAsync(await Browser.GetAsync(Local(pixel!)[..^1]));
    }

    [Fact]
    public async Task A_tracked_link_redirects_to_the_link_that_was_in_the_email_and_counts_a_click()
    {
        var (lead, sequence, mail) = await SentAsync();
        var hrefs = Hrefs(mail);
        var unsubscribe = HeaderUnsubscribeUrl(mail);

        hrefs.Should().HaveCount(6);
        hrefs.Take(3).Should().AllSatisfy(h => h.Should().StartWith("https://sequences.test/t/c/"));
        hrefs.Skip(3).Should().Equal("https://example.com/private", "mailto:help@example.com", unsubscribe);
        (await MessagesAsync(lead)).Single().Links.Should().Equal(
            "https://example.com/pricing?plan=pro&ref=mail", "https://example.com/docs", "https://bücher.example/straße?q=é");

        var first = await Browser.GetAsync(Local(hrefs[0]));
        first.StatusCode.Should().Be(HttpStatusCode.Redirect);
        first.Headers.Location.Should().Be(new Uri("https://example.com/pricing?plan=pro&ref=mail"));
        var second = await Browser.GetAsync(Local(hrefs[1]));
        second.StatusCode.Should().Be(HttpStatusCode.Redirect);
        second.Headers.Location.Should().Be(new Uri("https://example.com/docs"));
        var third = await Browser.GetAsync(Local(hrefs[2]));
        third.StatusCode.Should().Be(HttpStatusCode.Redirect);
        third.Headers.Location!.OriginalString.Should().Be("https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A9", "a Location header is ASCII");

        (await CounterAsync(lead, sequence, "emails_clicked")).Should().Be(1, "unique clicks count per message");
        (await CounterAsync(lead, sequence, "emails_opened")).Should().Be(1, "a click is an open even when the pixel was blocked");
        (await CountAsync(lead, EngagementType.Clicked)).Should().Be(3);
    }

    [Fact]
    public async Task Forged_truncated_cross_tenant_and_out_of_range_tokens_answer_404_and_never_redirect()
    {
        var (lead, sequence, mail) = await SentAsync(followUp: FollowUp);
        var link = Local(Hrefs(mail)[0]);
        var token = link["/t/c/".Length..];
        var message = (await MessagesAsync(lead)).Single();
        var tokens = App.Services.GetRequiredService<TrackingTokens>();
        var tenantA = await App.AsTenantAsync(SequencesApp.AdminA, sp => Task.FromResult(sp.GetRequiredService<TenantContext>().RequireTenant()));
        var tenantB = await App.AsTenantAsync(SequencesApp.AdminB, sp => Task.FromResult(sp.GetRequiredService<TenantContext>().RequireTenant()));
        var middle = token.Length / 2;
        var forged = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];

        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + forged));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + token[..^3]));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + token + "A"));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/not-a-token"));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/o/" + token)); // a click token is no open token
        // Properly signed, but naming another tenant than the message's: no cross-tenant lookups.
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + tokens.Create(new TrackingPayload(TrackingKind.Click, tenantB, message.Id, lead.Id))));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/o/" + tokens.Create(new TrackingPayload(TrackingKind.Open, tenantB, message.Id, lead.Id))));
        await ExpectNotFoundAsync(await Browser.PostAsync("/u/" + tokens.Create(new TrackingPayload(TrackingKind.Unsubscribe, tenantB, message.Id, lead.Id)), null));
        // Properly signed, right tenant, but no such link in the email: nothing to redirect to.
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + tokens.Create(new TrackingPayload(TrackingKind.Click, tenantA, message.Id, lead.Id, message.Links.Count))));
        await ExpectNotFoundAsync(await Browser.GetAsync("/t/c/" + tokens.Create(new TrackingPayload(TrackingKind.Click, tenantA, Guid.NewGuid(), lead.Id))));

        var notFound = await Browser.GetAsync("/u/" + forged);
        await ExpectNotFoundAsync(notFound);
        notFound.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await notFound.Content.ReadAsStringAsync()).Should().Contain("This link is not valid", "the recipient sees our page, not the app's");
        (await CounterAsync(lead, sequence, "emails_clicked")).Should().Be(0);
        (await CountAsync(lead, EngagementType.Opened)).Should().Be(0);
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("active");
    }

    [Fact]
    public async Task Tracking_can_be_turned_off_per_sequence()
    {
        var (noClicksLead, _, noClicks) = await SentAsync(trackClicks: false);
        Hrefs(noClicks).Should().StartWith(["https://example.com/pricing?plan=pro&ref=mail", "https://example.com/docs"]);
        PixelUrl(noClicks).Should().StartWith("https://sequences.test/t/o/");
        (await MessagesAsync(noClicksLead)).Single().Links.Should().BeEmpty();

        var (_, _, noOpens) = await SentAsync(trackOpens: false);
        PixelUrl(noOpens).Should().BeNull();
        noOpens.HtmlBody.Should().NotContain("/t/o/");
        Hrefs(noOpens)[0].Should().StartWith("https://sequences.test/t/c/");
    }

    [Fact]
    public async Task The_unsubscribe_page_asks_first_and_changes_nothing_by_itself()
    {
        var (lead, sequence, mail) = await SentAsync(followUp: FollowUp);
        var url = HeaderUnsubscribeUrl(mail);
        url.Should().StartWith("https://sequences.test/u/");

        var page = await Browser.GetAsync(Local(url));

        await ExpectAsync(page, HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var document = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        document.Body!.TextContent.Should().Contain($"Unsubscribe {lead.Email} from Tenant A's emails?");
        var form = document.QuerySelector("form")!;
        form.GetAttribute("method").Should().Be("post");
        form.QuerySelector("button[type=submit]").Should().NotBeNull();
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("active");
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email))).Should().Be(0);
    }

    [Fact]
    public async Task One_click_unsubscribe_from_the_mail_header_stops_every_enrollment_and_suppresses_the_address()
    {
        var (lead, sequence, mail) = await SentAsync(followUp: FollowUp);
        var other = await StartedSequenceAsync(AlwaysOpen, new { step_type = "email", delay_days = 3, subject_line = "Other", body_text = "Other" });
        await EnrollAsync(A, lead, Id(other));
        mail.Headers["List-Unsubscribe-Post"].Should().Be("List-Unsubscribe=One-Click");
        var url = Local(HeaderUnsubscribeUrl(mail));

        // RFC 8058: what a mailbox provider sends, with no cookies, no antiforgery token and no page visit first.
        var response = await Browser.PostAsync(url, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        await ExpectAsync(response, HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("You are unsubscribed").And.Contain(lead.Email);
        foreach (var id in new[] { sequence, Id(other) })
        {
            var state = await StateAsync(lead, id);
            state["status"]!.GetValue<string>().Should().Be("stopped");
            state["stopped_reason"]!.GetValue<string>().Should().Be("unsubscribed");
        }
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email))).Should().Be(1);

        // Again, as a multipart form (also allowed by RFC 8058): still fine, and nothing doubles.
        var again = await Browser.PostAsync(url, new MultipartFormDataContent { { new StringContent("One-Click"), "List-Unsubscribe" } });
        await ExpectAsync(again, HttpStatusCode.OK);
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email))).Should().Be(1);

        // The link opened again says it is done rather than asking a second time.
        var page = await (await Browser.GetAsync(url)).Content.ReadAsStringAsync();
        page.Should().Contain("You are unsubscribed").And.NotContain("<form");

        App.Clock.Advance(TimeSpan.FromDays(4));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle("nothing is sent after the unsubscribe");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTrackingEndpointsTests(SqliteEngineApp app) : TrackingEndpointsTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTrackingEndpointsTests(PostgresEngineApp app) : TrackingEndpointsTests(app), IClassFixture<PostgresEngineApp>;
