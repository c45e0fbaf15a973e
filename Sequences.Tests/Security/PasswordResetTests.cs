using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Identity;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>"Forgot your password?" end to end: the form, the mail the relay receives, the link, the new password.</summary>
[Collection(SqliteCollection.Name)]
public sealed partial class PasswordResetTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private Task<NewTeammate> TeammateAsync() =>
        app.AsTenantAsync(SequencesApp.AdminA, sp => sp.GetRequiredService<TeamService>()
            .AddAsync(sp.GetRequiredService<ITenantContext>().TenantId!.Value, $"forgetful-{Guid.NewGuid():N}@tenant-a.test", "Forgetful"));

    private static Task<HttpResponseMessage> AskAsync(HttpClient browser, string email) =>
        LoginForm.SubmitAsync(browser, "/forgot-password", "forgot", new() { ["Input.Email"] = email });

    private async Task<string> LinkMailedToAsync(string email)
    {
        var mail = await app.Smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == email));
        mail.Subject.Should().Be("Reset your Sequences password");
        var link = ResetLink().Match(mail.TextBody ?? "").Value;
        link.Should().StartWith("https://sequences.test/reset-password?", "the link uses the configured public address, not the request's Host");
        return new Uri(link).PathAndQuery;
    }

    private static Task<HttpResponseMessage> ResetAsync(HttpClient browser, string link, string password)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("https://x" + link).Query);
        // As a browser posts a form opened while the link was good: stale and forged links show no form of their own.
        return LoginForm.SubmitAsync(browser, link, "reset", new()
        {
            ["Input.Email"] = query["email"]!, ["Input.Token"] = query["token"]!, ["Input.New"] = password, ["Input.Confirm"] = password,
        }, tokenPage: "/forgot-password");
    }

    [Fact]
    public async Task The_mailed_link_sets_a_new_password_once()
    {
        var teammate = await TeammateAsync();
        var email = teammate.Member.Email;
        var browser = NewBrowser();

        var asked = await AskAsync(browser, email);
        (await asked.Content.ReadAsStringAsync()).Should().Contain("it now has an email with a link");
        var link = await LinkMailedToAsync(email);

        (await browser.GetStringAsync(link)).Should().Contain(email).And.Contain("data-testid=\"reset-submit\"");
        var reset = await ResetAsync(browser, link, "Remembered-At-Last-3");
        (await reset.Content.ReadAsStringAsync()).Should().Contain("Your password is set.");

        (await LoginForm.PostAsync(NewBrowser(), email, teammate.TemporaryPassword)).StatusCode.Should().Be(HttpStatusCode.OK, "the old password is refused");
        (await LoginForm.PostAsync(NewBrowser(), email, "Remembered-At-Last-3")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var reopened = await NewBrowser().GetStringAsync(link);
        reopened.Should().Contain("This link has expired or was used already.").And.NotContain("data-testid=\"reset-submit\"",
            "a used link says so before anyone types a password");
        var again = await ResetAsync(NewBrowser(), link, "Someone-Else-Tries-4");
        (await again.Content.ReadAsStringAsync()).Should().Contain("This link has expired or was used already.");
        (await LoginForm.PostAsync(NewBrowser(), email, "Remembered-At-Last-3")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_tampered_link_or_a_weak_password_changes_nothing()
    {
        var teammate = await TeammateAsync();
        var email = teammate.Member.Email;
        await AskAsync(NewBrowser(), email);
        var link = await LinkMailedToAsync(email);

        var tampered = await ResetAsync(NewBrowser(), link.Replace("token=", "token=AAAA"), "Tampered-Password-5");
        (await tampered.Content.ReadAsStringAsync()).Should().Contain("This link has expired or was used already.");
        var weak = await ResetAsync(NewBrowser(), link, "weak");
        (await weak.Content.ReadAsStringAsync()).Should().Contain("at least 10 characters");
        var otherAccount = await ResetAsync(NewBrowser(), link.Replace(Uri.EscapeDataString(email), Uri.EscapeDataString(SequencesApp.AdminA)), "Takeover-Attempt-6");
        (await otherAccount.Content.ReadAsStringAsync()).Should().Contain("This link has expired or was used already.");

        (await LoginForm.PostAsync(NewBrowser(), email, teammate.TemporaryPassword)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await LoginForm.PostAsync(NewBrowser(), SequencesApp.AdminA, SequencesApp.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Unknown_and_deactivated_addresses_get_the_same_answer_and_no_mail()
    {
        var teammate = await TeammateAsync();
        await app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var tenant = sp.GetRequiredService<ITenantContext>();
            return await sp.GetRequiredService<TeamService>().DeactivateAsync(tenant.TenantId!.Value, tenant.UserId!.Value, teammate.Member.Id);
        });
        var nobody = $"nobody-{Guid.NewGuid():N}@tenant-a.test";

        foreach (var email in new[] { nobody, teammate.Member.Email })
        {
            var answer = await (await AskAsync(NewBrowser(), email)).Content.ReadAsStringAsync();
            answer.Should().Contain($"If {email} has an account here, it now has an email with a link");
        }
        // The form sends in the background; awaiting the same request here makes "no mail" certain, not a race.
        var resets = app.Services.GetRequiredService<PasswordResets>();
        await resets.RequestAsync(nobody);
        await resets.RequestAsync(teammate.Member.Email);
        app.Smtp.Messages.Should().NotContain(m => m.To.Mailboxes.Any(b => b.Address == nobody || b.Address == teammate.Member.Email));
    }

    [Fact]
    public async Task The_sign_in_page_links_to_it()
    {
        var page = await NewBrowser().GetStringAsync("/login");
        page.Should().Contain("href=\"/forgot-password\"");
    }

    [GeneratedRegex(@"https?://\S+/reset-password\?\S+")]
    private static partial Regex ResetLink();
}
