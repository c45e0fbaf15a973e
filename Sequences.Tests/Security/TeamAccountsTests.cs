using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sequences.Core.Common;
using Sequences.Infrastructure.Identity;
using Sequences.Tests.Infrastructure;
using Sequences.Web.Auth;

namespace Sequences.Tests.Security;

/// <summary>Teammates as the app meets them: added with a temporary password, changing it on the account page,
/// switched off and on again, through the real sign-in form, cookie and API key checks.</summary>
[Collection(SqliteCollection.Name)]
public sealed class TeamAccountsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private Task<T> AsAdminAsync<T>(Func<TeamService, Guid, Guid, Task<T>> work) =>
        app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var tenant = sp.GetRequiredService<Sequences.Infrastructure.Tenants.TenantContext>();
            return await work(sp.GetRequiredService<TeamService>(), tenant.TenantId!.Value, tenant.UserId!.Value);
        });

    private Task<NewTeammate> AddTeammateAsync(string name = "Robin") =>
        AsAdminAsync((team, tenant, _) => team.AddAsync(tenant, $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@tenant-a.test", name));

    private static async Task SignInAsync(HttpClient browser, string email, string password)
    {
        var response = await LoginForm.PostAsync(browser, email, password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().NotContain("login");
    }

    [Fact]
    public async Task A_new_teammate_signs_in_with_the_temporary_password_and_replaces_it_on_the_account_page()
    {
        var added = await AddTeammateAsync();
        var email = added.Member.Email;
        var browser = NewBrowser();
        await SignInAsync(browser, email, added.TemporaryPassword);

        var page = await browser.GetStringAsync("/account");
        page.Should().Contain(email).And.Contain("data-testid=\"account-change-password\"");

        var changed = await LoginForm.SubmitAsync(browser, "/account", "password", new()
        {
            ["Password.Current"] = added.TemporaryPassword, ["Password.New"] = "Robins-Own-Password-7", ["Password.Confirm"] = "Robins-Own-Password-7",
        });
        changed.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await changed.Content.ReadAsStringAsync();
        body.Should().Contain("Your password is changed.").And.NotContain("Robins-Own-Password-7");
        (await browser.GetAsync("/account")).StatusCode.Should().Be(HttpStatusCode.OK, "this browser's cookie was renewed with the new stamp");

        (await LoginForm.PostAsync(NewBrowser(), email, added.TemporaryPassword)).StatusCode.Should().Be(HttpStatusCode.OK, "the old password is refused");
        await SignInAsync(NewBrowser(), email, "Robins-Own-Password-7");
    }

    [Fact]
    public async Task A_wrong_current_password_or_a_mistyped_repeat_changes_nothing_and_says_why()
    {
        var added = await AddTeammateAsync();
        var browser = NewBrowser();
        await SignInAsync(browser, added.Member.Email, added.TemporaryPassword);

        var wrong = await LoginForm.SubmitAsync(browser, "/account", "password", new()
        {
            ["Password.Current"] = "Not-the-password-1", ["Password.New"] = "Another-Password-8", ["Password.Confirm"] = "Another-Password-8",
        });
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("The current password is not right.");

        var mistyped = await LoginForm.SubmitAsync(browser, "/account", "password", new()
        {
            ["Password.Current"] = added.TemporaryPassword, ["Password.New"] = "Another-Password-8", ["Password.Confirm"] = "Another-Password-9",
        });
        (await mistyped.Content.ReadAsStringAsync()).Should().Contain("The two new passwords differ.");

        var weak = await LoginForm.SubmitAsync(browser, "/account", "password", new()
        {
            ["Password.Current"] = added.TemporaryPassword, ["Password.New"] = "short", ["Password.Confirm"] = "short",
        });
        (await weak.Content.ReadAsStringAsync()).Should().Contain("at least 10 characters");

        await SignInAsync(NewBrowser(), added.Member.Email, added.TemporaryPassword);
    }

    [Fact]
    public async Task The_account_page_saves_the_name_the_team_list_shows()
    {
        var added = await AddTeammateAsync();
        var browser = NewBrowser();
        await SignInAsync(browser, added.Member.Email, added.TemporaryPassword);

        var saved = await LoginForm.SubmitAsync(browser, "/account", "profile", new() { ["Profile.DisplayName"] = "  Robin Hood " });
        (await saved.Content.ReadAsStringAsync()).Should().Contain("Your name is saved.");

        var members = await AsAdminAsync((team, tenant, _) => team.ListAsync(tenant));
        members.Single(m => m.Id == added.Member.Id).DisplayName.Should().Be("Robin Hood");
    }

    [Fact]
    public async Task A_deactivated_teammate_cannot_sign_in_or_use_an_api_key_until_reactivated()
    {
        var added = await AddTeammateAsync();
        var (email, password) = (added.Member.Email, added.TemporaryPassword);
        var key = await AsAdminAsync((_, tenant, _) => app.Services.CreateScope().ServiceProvider.GetRequiredService<ApiKeyService>()
            .CreateAsync(tenant, added.Member.Id, "robin's script"));
        (await app.ClientFor(key).GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);

        await AsAdminAsync((team, tenant, admin) => team.DeactivateAsync(tenant, admin, added.Member.Id));

        var refused = await LoginForm.PostAsync(NewBrowser(), email, password);
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.Headers.Contains("Set-Cookie").Should().BeFalse();
        (await refused.Content.ReadAsStringAsync()).Should().Contain("This account is deactivated.");
        var guessed = await LoginForm.PostAsync(NewBrowser(), email, "Wrong-Password-123");
        (await guessed.Content.ReadAsStringAsync()).Should().Contain("Invalid email or password, or too many failed attempts").And.NotContain("deactivated",
            "only someone who knows the password learns the account's state");
        (await app.ClientFor(key).GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        await AsAdminAsync((team, tenant, _) => team.ReactivateAsync(tenant, added.Member.Id));
        await SignInAsync(NewBrowser(), email, password);
        (await app.ClientFor(key).GetAsync("/api/sequences")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deactivating_or_resetting_a_password_ends_the_sessions_already_open()
    {
        var added = await AddTeammateAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        var stampClaim = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        async Task<bool> StillSignedInAsync(System.Security.Claims.ClaimsPrincipal session)
        {
            await using var check = app.Services.CreateAsyncScope();
            return await SessionRevalidation.IsCurrentAsync(check.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), session, stampClaim);
        }

        var before = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByIdAsync(added.Member.Id.ToString()))!);
        (await StillSignedInAsync(before)).Should().BeTrue();
        var newPassword = await AsAdminAsync((team, tenant, _) => team.ResetPasswordAsync(tenant, added.Member.Id));
        (await StillSignedInAsync(before)).Should().BeFalse("a reset password ends the sessions signed in with the old one");
        await SignInAsync(NewBrowser(), added.Member.Email, newPassword);

        await using var fresh = app.Services.CreateAsyncScope();
        var freshSignIn = fresh.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        var after = await freshSignIn.CreateUserPrincipalAsync((await freshSignIn.UserManager.FindByIdAsync(added.Member.Id.ToString()))!);
        (await StillSignedInAsync(after)).Should().BeTrue();
        await AsAdminAsync((team, tenant, admin) => team.DeactivateAsync(tenant, admin, added.Member.Id));
        (await StillSignedInAsync(after)).Should().BeFalse("a deactivated account's open sessions end");
    }

    [Fact]
    public async Task Nobody_can_deactivate_themselves_and_another_workspace_s_users_are_unknown()
    {
        await AsAdminAsync(async (team, tenant, admin) =>
        {
            var self = () => team.DeactivateAsync(tenant, admin, admin);
            await self.Should().ThrowAsync<ConflictException>().WithMessage("*your own account*");
            return 0;
        });
        var adminB = await app.AsTenantAsync(SequencesApp.AdminB, sp =>
            Task.FromResult(sp.GetRequiredService<Sequences.Infrastructure.Tenants.TenantContext>().UserId!.Value));

        await AsAdminAsync(async (team, tenant, admin) =>
        {
            (await team.ListAsync(tenant)).Should().NotContain(m => m.Id == adminB).And.Contain(m => m.Id == admin);
            await FluentActions.Awaiting(() => team.DeactivateAsync(tenant, admin, adminB)).Should().ThrowAsync<NotFoundException>();
            await FluentActions.Awaiting(() => team.ResetPasswordAsync(tenant, adminB)).Should().ThrowAsync<NotFoundException>();
            return 0;
        });
        await SignInAsync(NewBrowser(), SequencesApp.AdminB, SequencesApp.Password);
    }

    [Fact]
    public async Task An_address_with_an_account_in_any_workspace_cannot_be_added_again()
    {
        var added = await AddTeammateAsync();
        await AsAdminAsync(async (team, tenant, _) =>
        {
            await FluentActions.Awaiting(() => team.AddAsync(tenant, added.Member.Email, null)).Should().ThrowAsync<ConflictException>();
            await FluentActions.Awaiting(() => team.AddAsync(tenant, SequencesApp.AdminB, null)).Should().ThrowAsync<ConflictException>();
            await FluentActions.Awaiting(() => team.AddAsync(tenant, "not an address", null)).Should().ThrowAsync<InputRejectedException>();
            return 0;
        });
    }
}
