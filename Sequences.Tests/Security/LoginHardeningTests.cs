using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Identity;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>Password guessing is slowed by lockout, weak passwords are refused, and the form needs its antiforgery token.</summary>
[Collection(SqliteCollection.Name)]
public sealed class LoginHardeningTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string Password = "Lockout-Test-Password-1";

    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<string> NewUserAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = await users.FindByEmailAsync(SequencesApp.AdminA);
        var email = $"user-{Guid.NewGuid():N}@tenant-a.test";
        var created = await users.CreateAsync(new AppUser { UserName = email, Email = email, TenantId = admin!.TenantId }, Password);
        created.Succeeded.Should().BeTrue(string.Join(" ", created.Errors.Select(e => e.Description)));
        return email;
    }

    [Fact]
    public async Task The_right_password_signs_in()
    {
        var email = await NewUserAsync();
        var response = await LoginForm.PostAsync(NewBrowser(), email, Password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().NotContain("login");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_so_even_the_right_one_is_refused_saying_what_an_unknown_address_gets()
    {
        var email = await NewUserAsync();
        var browser = NewBrowser();
        var nobody = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 5; i++)
        {
            var wrong = await LoginForm.PostAsync(browser, email, $"Wrong-password-{i}");
            wrong.StatusCode.Should().Be(HttpStatusCode.OK);
            var unknown = await LoginForm.PostAsync(browser, nobody, $"Wrong-password-{i}");
            var said = ErrorOf(await wrong.Content.ReadAsStringAsync());
            said.Should().Be(global::Sequences.Web.Components.Pages.Account.Login.FailedMessage);
            ErrorOf(await unknown.Content.ReadAsStringAsync()).Should().Be(said, "the page must not tell an account from an unknown address");
        }

        var right = await LoginForm.PostAsync(browser, email, Password);
        right.StatusCode.Should().Be(HttpStatusCode.OK, "a locked account does not sign in");
        ErrorOf(await right.Content.ReadAsStringAsync()).Should().Be(global::Sequences.Web.Components.Pages.Account.Login.FailedMessage);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        (await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!)).Should().BeTrue();
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_signs_nobody_in()
    {
        var email = await NewUserAsync();
        var response = await LoginForm.PostAsync(NewBrowser(), email, Password, withToken: false);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").Should().BeFalse("no session cookie is issued");
    }

    [Theory]
    [InlineData("short1A!")]
    [InlineData("alllowercaseletters")]
    [InlineData("NoDigitsInThisOne!")]
    public async Task Weak_passwords_are_refused(string weak)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = await users.FindByEmailAsync(SequencesApp.AdminA);
        var email = $"weak-{Guid.NewGuid():N}@tenant-a.test";
        var result = await users.CreateAsync(new AppUser { UserName = email, Email = email, TenantId = admin!.TenantId }, weak);
        result.Succeeded.Should().BeFalse();
        (await users.FindByEmailAsync(email)).Should().BeNull();
    }

    private static string ErrorOf(string page) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"login-error\">([^<]*)<").Groups[1].Value);
}
