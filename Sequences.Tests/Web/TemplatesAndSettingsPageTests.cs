using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Sequences.Core.Common;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Templates;
using Sequences.Infrastructure.Tenants;
using Sequences.Web.Components.Layout;
using Sequences.Web.Components.Pages.Settings;
using Sequences.Web.Components.Pages.Templates;

namespace Sequences.Tests.Web;

public sealed class TemplatesAndSettingsPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private PageTestContext _context = default!;
    private DashboardSeed _seed = default!;
    private IRenderedComponent<MudPopoverProvider> _popovers = default!;
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    public async Task InitializeAsync()
    {
        _context = await PageTestContext.CreateAsync();
        _seed = new DashboardSeed(_context);
        _popovers = _context.Bunit.Render<MudPopoverProvider>();
        _dialogs = _context.Bunit.Render<MudDialogProvider>();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Library_lists_the_five_shipped_templates_read_only_with_a_preview()
    {
        var page = _context.Bunit.Render<TemplatesPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=template-row][data-built-in=true]").Should().HaveCount(5), Wait);
        page.FindAll("[data-testid=template-row]").Select(r => r.QuerySelector(".template-item-name")!.TextContent)
            .Should().Equal("Cold outreach", "Follow-up", "Break-up", "Re-engagement", "Meeting request");

        page.FindAll("[data-testid=template-row]")[0].Click();

        page.WaitForAssertion(() => page.Find("[data-testid=template-editor]").GetAttribute("data-read-only").Should().Be("true"), Wait);
        page.Find("[data-testid=template-preview-subject]").TextContent.Should().Be("Quick question, Jane");
        page.Find("[data-testid=template-preview-html]").GetAttribute("srcdoc").Should().Contain("Acme Corp");
        page.FindAll("[data-testid=template-save]").Should().BeEmpty();
    }

    [Fact]
    public async Task Copy_a_library_template_edit_it_and_preview_with_a_real_lead()
    {
        await _seed.LeadAsync(_context.TenantA, "real@example.com");
        var page = _context.Bunit.Render<TemplatesPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=template-row]")[4].Click(), Wait);

        page.Find("[data-testid=template-copy]").Click();

        page.WaitForAssertion(() => page.FindAll("[data-testid=template-row][data-built-in=false]").Should().ContainSingle(), Wait);
        page.Find("[data-testid=template-editor]").GetAttribute("data-read-only").Should().Be("false");
        await page.Find("input[data-testid=template-subject]").ChangeAsync(new ChangeEventArgs { Value = "Coffee, {{ lead.first_name }}? {{ lead.nickname }}" });
        page.WaitForAssertion(() => page.Find("[data-testid=template-preview-subject]").TextContent.Should().Be("Coffee, Jane? "), Wait);
        page.Find("[data-testid=template-issues]").TextContent.Should().Contain("lead.nickname");

        await page.Find("input[data-testid=template-preview-lead]").InputAsync(new ChangeEventArgs { Value = "real@" });
        page.WaitForAssertion(() => page.Find("[data-testid=template-preview-subject]").TextContent.Should().Be("Coffee, real? "), Wait);
        await page.Find("input[data-testid=template-preview-lead]").InputAsync(new ChangeEventArgs { Value = "nobody-here@" });
        page.WaitForAssertion(() => page.Find("[data-testid=template-preview-who]").TextContent.Should()
            .Be("No lead matches \"nobody-here@\": with the sample lead Jane Doe (Acme Corp)"), Wait);
        page.Find("[data-testid=template-preview-subject]").TextContent.Should().Be("Coffee, Jane? ");

        page.Find("[data-testid=template-save]").Click();
        await EventuallyAsync(async () =>
        {
            var saved = await _seed.QueryAsync(_context.TenantA, db => db.EmailTemplates.SingleAsync());
            saved.Name.Should().Be("Meeting request (copy)");
            saved.SubjectLine.Should().StartWith("Coffee");
        });
    }

    [Fact]
    public async Task Template_service_refuses_liquid_that_does_not_parse_and_keeps_the_library_read_only()
    {
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            var templates = services.GetRequiredService<TemplateService>();
            var bad = () => templates.CreateAsync(new TemplateInput("Broken", null, "Hi {{ lead.first_name", "<p>x</p>", null));
            (await bad.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Code == "template_syntax" && i.Field == "subject_line" && i.Message.StartsWith("The subject is not valid Liquid"));
            var edit = () => templates.UpdateAsync(TemplateLibrary.All[0].Id, new TemplateInput("Mine", null, "s", "b", null));
            await edit.Should().ThrowAsync<ConflictException>();

            var mine = await templates.CreateAsync(new TemplateInput("Mine", null, "Hello", "<p>Hi</p>", null));
            (await templates.ListAsync()).Should().HaveCount(6).And.Contain(t => t.Id == mine.Id && !t.BuiltIn);
            await templates.DeleteAsync(mine.Id);
            (await templates.ListAsync()).Should().HaveCount(5);
        });
        await _context.AsTenantAsync(_context.TenantB, async services =>
            (await services.GetRequiredService<TemplateService>().ListAsync()).Should().OnlyContain(t => t.BuiltIn));
    }

    [Fact]
    public void Settings_opens_on_the_tab_in_its_address_and_a_chosen_tab_goes_into_the_address()
    {
        var navigation = _context.Bunit.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/settings?tab=team");

        var page = _context.Bunit.Render<SettingsPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=team-add]").Should().ContainSingle(), Wait);
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Mailboxes").Click();
        page.WaitForAssertion(() => new Uri(navigation.Uri).Query.Should().Be("?tab=mailboxes"), Wait);
        page.WaitForAssertion(() => page.FindAll("[data-testid=settings-mailbox-new]").Should().ContainSingle(), Wait);
        page.FindAll("[data-testid=team-add]").Should().BeEmpty();
    }

    [Fact]
    public async Task Api_keys_are_shown_once_on_creation_and_revoked_keys_stop_working()
    {
        var userId = Guid.NewGuid();
        await _seed.WithDbAsync(_context.TenantA, async db =>
        {
            db.Users.Add(new AppUser { Id = userId, TenantId = _context.TenantA, UserName = "keys@example.com", Email = "keys@example.com" });
            await db.SaveChangesAsync();
        });
        _context.Bunit.Services.GetRequiredService<TenantContext>().Set(_context.TenantA, userId);
        var page = _context.Bunit.Render<ApiKeysPanel>();

        await page.Find("input[data-testid=settings-key-name]").InputAsync(new ChangeEventArgs { Value = "CRM sync" });
        page.Find("[data-testid=settings-key-create]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=settings-new-key]").TextContent.Should().StartWith("sk_"), Wait);
        var key = page.Find("[data-testid=settings-new-key]").TextContent;
        page.FindAll("[data-testid=settings-key-row]").Should().ContainSingle().Which.TextContent.Should().Contain("CRM sync").And.NotContain(key);
        ApiKeyOwner? owner = null;
        await _context.AsTenantAsync(_context.TenantA, async s => owner = await s.GetRequiredService<ApiKeyService>().FindOwnerAsync(key));
        owner!.UserId.Should().Be(userId);

        page.Find("[data-testid=settings-key-revoke]").Click();
        var dialogs = _dialogs;
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim().Equals("Revoke", StringComparison.OrdinalIgnoreCase)).Click(), Wait);

        page.WaitForAssertion(() => page.Find("[data-testid=settings-key-row]").GetAttribute("data-revoked").Should().Be("true"), Wait);
        await _context.AsTenantAsync(_context.TenantA, async s => (await s.GetRequiredService<ApiKeyService>().FindOwnerAsync(key)).Should().BeNull());
    }

    [Fact]
    public async Task Workspace_time_zone_must_be_iana()
    {
        var page = _context.Bunit.Render<WorkspacePanel>();
        page.WaitForAssertion(() => page.Find("input[data-testid=settings-timezone]"), Wait);

        await page.Find("input[data-testid=settings-timezone]").InputAsync(new ChangeEventArgs { Value = "Eastern Standard Time" });
        page.Find("[data-testid=settings-timezone-save]").Click();
        page.WaitForAssertion(() => page.Markup.Should().Contain("is not an IANA time zone"), Wait);

        await page.Find("input[data-testid=settings-timezone]").InputAsync(new ChangeEventArgs { Value = "Europe/Berlin" });
        page.Find("[data-testid=settings-timezone-save]").Click();
        await EventuallyAsync(async () => (await _seed.QueryAsync(_context.TenantA, db => db.Tenants.Where(t => t.Id == _context.TenantA)
            .Select(t => t.DefaultTimezone).SingleAsync())).Should().Be("Europe/Berlin"));
    }

    [Fact]
    public async Task The_webhook_signing_secret_is_shown_on_request_and_can_be_replaced()
    {
        Task<string> SecretOf(Guid tenant) => _seed.QueryAsync(tenant, db => db.Tenants.Where(t => t.Id == tenant).Select(t => t.WebhookSecret).SingleAsync());
        var original = await SecretOf(_context.TenantA);
        var theirs = await SecretOf(_context.TenantB);
        var page = _context.Bunit.Render<WorkspacePanel>();

        page.WaitForAssertion(() => page.Find("input[data-testid=settings-webhook-secret]").GetAttribute("value").Should().Be(original), Wait);
        page.Find("input[data-testid=settings-webhook-secret]").GetAttribute("type").Should().Be("password", "it shows only when asked");
        page.Find("[data-testid=settings-webhook-secret] ~ * button, .mud-input-adornment button").Click();
        page.Find("input[data-testid=settings-webhook-secret]").GetAttribute("type").Should().Be("text");

        page.Find("[data-testid=settings-webhook-rotate]").Click();
        _dialogs.WaitForAssertion(() => _dialogs.Markup.Should().Contain("Replace the signing secret?"), Wait);
        _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Replace").Click();

        await EventuallyAsync(async () => (await SecretOf(_context.TenantA)).Should().NotBe(original));
        var replaced = await SecretOf(_context.TenantA);
        page.WaitForAssertion(() => page.Find("input[data-testid=settings-webhook-secret]").GetAttribute("value").Should().Be(replaced), Wait);
        (await SecretOf(_context.TenantB)).Should().Be(theirs, "another workspace keeps its own");
    }

    [Fact]
    public async Task Blocked_addresses_are_listed_blocked_by_hand_and_released_after_asking()
    {
        var lead = await _seed.LeadAsync(_context.TenantA, "left@example.com");
        await _seed.WithDbAsync(_context.TenantA, async db =>
        {
            await db.Leads.Where(l => l.Id == lead.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.UnsubscribedAt, _context.Clock.GetUtcNow().UtcDateTime));
            db.Suppressions.Add(new Sequences.Core.Tracking.Suppression { Email = "left@example.com", Reason = "unsubscribed", CreatedAt = _context.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        });
        await _seed.WithDbAsync(_context.TenantB, async db =>
        {
            db.Suppressions.Add(new Sequences.Core.Tracking.Suppression { Email = "theirs@example.com", Reason = "manual", CreatedAt = _context.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        });
        var page = _context.Bunit.Render<SuppressionsPanel>();
        page.WaitForAssertion(() => Emails().Should().Equal("left@example.com"), Wait);

        await page.Find("input[data-testid=settings-block-email]").InputAsync(new ChangeEventArgs { Value = "not an address" });
        page.Find("[data-testid=settings-block]").Click();
        page.WaitForAssertion(() => page.Markup.Should().Contain("is not a valid email address"), Wait);
        await page.Find("input[data-testid=settings-block-email]").InputAsync(new ChangeEventArgs { Value = "Spam.Trap@Example.com" });
        page.Find("[data-testid=settings-block]").Click();
        page.WaitForAssertion(() => Emails().Should().Contain("spam.trap@example.com"), Wait);

        page.FindAll("[data-testid=settings-suppression-row]").Single(r => r.GetAttribute("data-email") == "left@example.com")
            .QuerySelector("[data-testid=settings-suppression-release]")!.Click();
        _dialogs.WaitForAssertion(() => _dialogs.Markup.Should().Contain("This person unsubscribed"), Wait);
        _dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Release").Click();

        page.WaitForAssertion(() => Emails().Should().Equal("spam.trap@example.com"), Wait);
        (await _seed.QueryAsync(_context.TenantA, db => db.Leads.SingleAsync(l => l.Id == lead.Id))).UnsubscribedAt.Should().BeNull("released, it may be mailed again");
        (await _seed.QueryAsync(_context.TenantB, db => db.Suppressions.CountAsync())).Should().Be(1, "another tenant's list is untouched");

        List<string?> Emails() => page.FindAll("[data-testid=settings-suppression-row]").Select(r => r.GetAttribute("data-email")).ToList();
    }

    /// <summary>Retries an assertion on stored data until the page's work has landed.</summary>
    private static async Task EventuallyAsync(Func<Task> assertion)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    [Fact]
    public async Task Notifications_show_the_unread_count_and_mark_all_read()
    {
        var userId = Guid.NewGuid();
        _context.Bunit.Services.GetRequiredService<TenantContext>().Set(_context.TenantA, userId);
        await _seed.WithDbAsync(_context.TenantA, async db =>
        {
            db.Notifications.Add(new Notification { TenantId = _context.TenantA, UserId = userId, Message = "Ada replied", CreatedAt = DateTime.UtcNow });
            db.Notifications.Add(new Notification { TenantId = _context.TenantA, UserId = null, Message = "For everyone", CreatedAt = DateTime.UtcNow });
            db.Notifications.Add(new Notification { TenantId = _context.TenantA, UserId = Guid.NewGuid(), Message = "Someone else's", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });

        var menu = _context.Bunit.Render<NotificationsMenu>();

        menu.WaitForAssertion(() => menu.Find("[data-testid=notifications-count]").GetAttribute("data-value").Should().Be("2"), Wait);
        var popovers = _popovers;
        await menu.InvokeAsync(() => menu.FindComponent<MudMenu>().Instance.OpenMenuAsync(EventArgs.Empty, false));
        popovers.WaitForAssertion(() => popovers.FindAll("[data-testid=notification-item]").Should().HaveCount(2), Wait);
        popovers.Markup.Should().NotContain("Someone else's");

        popovers.Find("[data-testid=notifications-mark-all]").Click();

        menu.WaitForAssertion(() => menu.Find("[data-testid=notifications-count]").GetAttribute("data-value").Should().Be("0"), Wait);
    }
}
