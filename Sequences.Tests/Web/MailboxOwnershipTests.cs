using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Mailboxes;
using Sequences.Infrastructure.Tenants;
using Sequences.Web.Components.Pages.Settings;

namespace Sequences.Tests.Web;

/// <summary>Each teammate has one mailbox, which someone else may set up for them; Settings -> Mailboxes says whose.</summary>
public sealed class MailboxOwnershipTests : DashboardTestBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private async Task<Guid> UserAsync(Guid tenant, string email, string? name)
    {
        var user = new AppUser { UserName = email, Email = email, TenantId = tenant, DisplayName = name };
        (await Context.Bunit.Services.GetRequiredService<UserManager<AppUser>>().CreateAsync(user)).Succeeded.Should().BeTrue();
        return user.Id;
    }

    private Task<T> AsAsync<T>(Guid userId, Func<MailboxService, Task<T>> work) => AsAsync(Context.TenantA, userId, work);

    private async Task<T> AsAsync<T>(Guid tenantId, Guid userId, Func<MailboxService, Task<T>> work)
    {
        await using var scope = Context.Bunit.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, userId);
        return await work(scope.ServiceProvider.GetRequiredService<MailboxService>());
    }

    [Fact]
    public async Task A_mailbox_can_be_set_up_for_a_teammate_but_nobody_gets_two_and_strangers_get_none()
    {
        var me = await UserAsync(Context.TenantA, "morgan@acme.test", "Morgan");
        var alex = await UserAsync(Context.TenantA, "alex@acme.test", "Alex");
        var stranger = await UserAsync(Context.TenantB, "them@other.test", null);

        var mine = await AsAsync(me, s => s.SaveAsync(null, new MailboxInput { FromAddress = "morgan@acme.test" }));
        mine.UserId.Should().Be(me, "without an owner it is the signed-in user's");
        var alexs = await AsAsync(me, s => s.SaveAsync(null, new MailboxInput { UserId = alex, FromAddress = "alex@acme.test" }));
        alexs.UserId.Should().Be(alex);

        var second = () => AsAsync(me, s => s.SaveAsync(null, new MailboxInput { UserId = alex, FromAddress = "alex.two@acme.test" }));
        (await second.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().ContainSingle(i => i.Field == "user_id" && i.Code == "has_mailbox");
        var moved = () => AsAsync(me, s => s.SaveAsync(mine.Id, MailboxService.ToInput(mine) with { UserId = alex }));
        await moved.Should().ThrowAsync<InputRejectedException>();
        var theirs = () => AsAsync(me, s => s.SaveAsync(null, new MailboxInput { UserId = stranger, FromAddress = "x@acme.test" }));
        (await theirs.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().ContainSingle(i => i.Code == "unknown_user");

        var edited = await AsAsync(me, s => s.SaveAsync(alexs.Id, MailboxService.ToInput(alexs) with { UserId = null, DisplayName = "Alex at Acme" }));
        edited.UserId.Should().Be(alex, "an edit without an owner keeps the owner");
        (await AsAsync(me, s => s.ListAsync())).Should().HaveCount(2);
    }

    [Fact]
    public async Task The_mailboxes_list_names_whose_each_one_is()
    {
        var me = await UserAsync(Context.TenantA, "morgan@acme.test", "Morgan");
        var alex = await UserAsync(Context.TenantA, "alex@acme.test", null);
        await AsAsync(me, s => s.SaveAsync(null, new MailboxInput { FromAddress = "morgan@acme.test" }));
        await AsAsync(me, s => s.SaveAsync(null, new MailboxInput { UserId = alex, FromAddress = "sales@acme.test" }));
        Context.Bunit.Services.GetRequiredService<TenantContext>().Set(Context.TenantA, me);

        var panel = Context.Bunit.Render<MailboxesPanel>();

        panel.WaitForAssertion(() => panel.FindAll("[data-testid=settings-mailbox-owner]").Select(c => c.TextContent)
            .Should().BeEquivalentTo("Morgan", "alex@acme.test"), Wait);
    }

    [Fact]
    public async Task The_list_gives_the_port_a_server_is_reached_on_and_a_negative_cap_is_refused_not_made_unlimited()
    {
        var me = await UserAsync(Context.TenantA, "morgan@acme.test", "Morgan");
        var saved = await AsAsync(me, s => s.SaveAsync(null, new MailboxInput
        {
            FromAddress = "morgan@acme.test", SmtpHost = "smtp.acme.test", SmtpSecurity = "starttls", ImapHost = "imap.acme.test", ImapSecurity = "ssl", DailyCap = 150,
        }));
        Context.Bunit.Services.GetRequiredService<TenantContext>().Set(Context.TenantA, me);

        var panel = Context.Bunit.Render<MailboxesPanel>();

        panel.WaitForAssertion(() => panel.Find("[data-testid=settings-mailbox-row]").TextContent
            .Should().Contain("smtp.acme.test:587 (starttls)").And.Contain("imap.acme.test:993"), Wait);
        panel.Find("[data-testid=settings-mailbox-edit]").Click();
        panel.FindInput("settings-mailbox-cap").Change("-5");
        panel.Find("[data-testid=settings-mailbox-save]").Click();

        panel.WaitForAssertion(() => panel.Find("[data-testid=settings-mailbox-errors]").TextContent.Should().Contain("cannot be negative"), Wait);
        (await AsAsync(me, s => s.ListAsync())).Should().ContainSingle(m => m.Id == saved.Id && m.DailyCap == 150, "a refused edit stores nothing");
    }
}
