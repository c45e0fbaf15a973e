using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Tenants;
using Sequences.Web.Components.Pages.Settings;

namespace Sequences.Tests.Web;

public sealed class TeamPanelTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private IRenderedComponent<MudDialogProvider> _dialogs = default!;
    private Guid _me;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Context.Bunit.Render<MudPopoverProvider>();
        _dialogs = Context.Bunit.Render<MudDialogProvider>();
        _me = await UserAsync(Context.TenantA, "me@tenant-a.test", "Morgan");
        Context.Bunit.Services.GetRequiredService<TenantContext>().Set(Context.TenantA, _me);
    }

    private async Task<Guid> UserAsync(Guid tenantId, string email, string? name)
    {
        var users = Context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, TenantId = tenantId, DisplayName = name };
        (await users.CreateAsync(user, "Some-Password-123")).Succeeded.Should().BeTrue();
        return user.Id;
    }

    private IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<TeamPanel> panel) => panel.FindAll("[data-testid=team-member]");

    private AngleSharp.Dom.IElement Row(IRenderedComponent<TeamPanel> panel, Guid id) =>
        Rows(panel).Single(r => r.GetAttribute("data-user-id") == id.ToString());

    private void Confirm(string button) =>
        _dialogs.WaitForAssertion(() => _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == button).Click(), Wait);

    [Fact]
    public async Task Lists_this_workspace_s_members_with_the_sequences_they_own_and_marks_you()
    {
        var colleague = await UserAsync(Context.TenantA, "alex@tenant-a.test", "Alex");
        await UserAsync(Context.TenantB, "other@tenant-b.test", "Not ours");
        await Seed.WithDbAsync(Context.TenantA, async db =>
        {
            db.Sequences.Add(new Sequence { Name = "Alex's outreach", UserId = colleague });
            db.Sequences.Add(new Sequence { Name = "Alex's follow-up", UserId = colleague });
            db.Mailboxes.Add(new Mailbox { UserId = colleague, FromAddress = "alex@acme.test" });
            await db.SaveChangesAsync();
        });

        var panel = Context.Bunit.Render<TeamPanel>();

        panel.WaitForAssertion(() => Rows(panel).Should().HaveCount(2), Wait);
        panel.Markup.Should().NotContain("other@tenant-b.test");
        Row(panel, colleague).TextContent.Should().Contain("Alex").And.Contain("alex@tenant-a.test").And.Contain("2");
        Row(panel, colleague).QuerySelector("[data-testid=team-sends-from]")!.TextContent.Should().Be("alex@acme.test");
        Row(panel, _me).QuerySelector("[data-testid=team-sends-from]")!.TextContent.Should().Be("default sender");
        Row(panel, _me).QuerySelector("[data-testid=team-you]").Should().NotBeNull();
        Row(panel, _me).QuerySelector("[data-testid=team-deactivate]").Should().BeNull("nobody can switch off their own account");
        Row(panel, colleague).QuerySelector("[data-testid=team-deactivate]").Should().NotBeNull();
    }

    [Fact]
    public async Task Adding_a_teammate_shows_their_temporary_password_once_and_it_signs_in()
    {
        var panel = Context.Bunit.Render<TeamPanel>();
        panel.WaitForAssertion(() => Rows(panel).Should().ContainSingle(), Wait);

        await panel.Find("input[data-testid=team-email]").InputAsync(new ChangeEventArgs { Value = "sam@tenant-a.test" });
        await panel.Find("input[data-testid=team-name]").InputAsync(new ChangeEventArgs { Value = "Sam" });
        panel.Find("[data-testid=team-add]").Click();

        panel.WaitForAssertion(() => Rows(panel).Should().HaveCount(2), Wait);
        var password = panel.Find("[data-testid=team-password]").TextContent;
        panel.Find("[data-testid=team-password-alert]").TextContent.Should().Contain("Sam (sam@tenant-a.test)");
        var users = Context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        var sam = await users.FindByEmailAsync("sam@tenant-a.test");
        sam!.TenantId.Should().Be(Context.TenantA);
        (await users.CheckPasswordAsync(sam, password)).Should().BeTrue();

        // The same address again: refused with a reason, nothing added.
        await panel.Find("input[data-testid=team-email]").InputAsync(new ChangeEventArgs { Value = "sam@tenant-a.test" });
        panel.Find("[data-testid=team-add]").Click();
        panel.WaitForAssertion(() => panel.Find("[data-testid=team-error]").TextContent.Should().Contain("already has an account"), Wait);
        Rows(panel).Should().HaveCount(2);
    }

    [Fact]
    public async Task Deactivating_asks_first_then_the_teammate_shows_as_deactivated_until_reactivated()
    {
        var colleague = await UserAsync(Context.TenantA, "alex@tenant-a.test", "Alex");
        var panel = Context.Bunit.Render<TeamPanel>();
        panel.WaitForAssertion(() => Rows(panel).Should().HaveCount(2), Wait);

        Row(panel, colleague).QuerySelector("[data-testid=team-deactivate]")!.Click();
        _dialogs.WaitForAssertion(() => _dialogs.Markup.Should().Contain("can no longer sign in"), Wait);
        Confirm("Deactivate");

        panel.WaitForAssertion(() => Row(panel, colleague).GetAttribute("data-active").Should().Be("false"), Wait);
        Row(panel, colleague).TextContent.Should().Contain("Deactivated");
        (await StoredAsync(colleague)).DeactivatedAt.Should().Be(Context.Clock.GetUtcNow().UtcDateTime);

        Row(panel, colleague).QuerySelector("[data-testid=team-reactivate]")!.Click();
        panel.WaitForAssertion(() => Row(panel, colleague).GetAttribute("data-active").Should().Be("true"), Wait);
        (await StoredAsync(colleague)).DeactivatedAt.Should().BeNull();
    }

    [Fact]
    public async Task Resetting_a_password_asks_first_and_shows_the_new_one()
    {
        var colleague = await UserAsync(Context.TenantA, "alex@tenant-a.test", "Alex");
        var panel = Context.Bunit.Render<TeamPanel>();
        panel.WaitForAssertion(() => Rows(panel).Should().HaveCount(2), Wait);

        Row(panel, colleague).QuerySelector("[data-testid=team-reset]")!.Click();
        Confirm("Reset password");

        panel.WaitForAssertion(() => panel.Find("[data-testid=team-password]").TextContent.Should().NotBeEmpty(), Wait);
        var users = Context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        var stored = await StoredAsync(colleague);
        (await users.CheckPasswordAsync(stored, panel.Find("[data-testid=team-password]").TextContent)).Should().BeTrue();
        (await users.CheckPasswordAsync(stored, "Some-Password-123")).Should().BeFalse();
    }

    private Task<AppUser> StoredAsync(Guid id) =>
        Seed.QueryAsync(Context.TenantA, db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id));
}
