using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Sequences;
using MudBlazor;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;
using Sequences.Infrastructure.Tenants;
using Sequences.Web.Components.Pages.Sequences;

namespace Sequences.Tests.Web;

public sealed class SequenceListPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private PageTestContext _context = default!;

    public async Task InitializeAsync() => _context = await PageTestContext.CreateAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Rows_show_name_status_steps_and_reply_rate()
    {
        var welcome = await CreateAsync(_context.TenantA, "Welcome series", "Onboarding for trials");
        await CreateAsync(_context.TenantA, "Re-engagement");

        var page = _context.Bunit.Render<SequenceList>();

        page.WaitForAssertion(() => Rows(page).Should().HaveCount(2), Wait);
        // Newest first.
        Rows(page).Select(r => r.QuerySelector("[data-testid=sequence-link]")!.TextContent)
            .Should().Equal("Re-engagement", "Welcome series");
        var row = Rows(page).Single(r => r.GetAttribute("data-sequence-id") == welcome.Id.ToString());
        row.QuerySelector("[data-testid=sequence-link]")!.GetAttribute("href").Should().Be($"/sequences/{welcome.Id}");
        row.QuerySelector("[data-testid=sequence-status]")!.TextContent.Trim().Should().Be("Draft");
        row.QuerySelector("[data-testid=sequence-status]")!.GetAttribute("data-status").Should().Be("draft");
        row.QuerySelector("[data-testid=sequence-steps]")!.TextContent.Trim().Should().Be("0");
        row.QuerySelector("[data-testid=sequence-reply-rate]")!.TextContent.Trim().Should().Be("0%");
        row.QuerySelector("[data-testid=sequence-edit]")!.GetAttribute("href").Should().Be($"/sequences/{welcome.Id}/edit");
        row.TextContent.Should().Contain("Onboarding for trials");
        page.Find("[data-testid=sequence-new]").GetAttribute("href").Should().Be("/sequences/new");
    }

    [Fact]
    public async Task Rows_name_the_owner_and_mine_only_keeps_the_signed_in_user_s_sequences()
    {
        var users = _context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        var me = new AppUser { UserName = "morgan@acme.test", Email = "morgan@acme.test", TenantId = _context.TenantA, DisplayName = "Morgan" };
        var alex = new AppUser { UserName = "alex@acme.test", Email = "alex@acme.test", TenantId = _context.TenantA };
        (await users.CreateAsync(me)).Succeeded.Should().BeTrue();
        (await users.CreateAsync(alex)).Succeeded.Should().BeTrue();
        var mine = await CreateAsync(_context.TenantA, "Mine");
        var theirs = await CreateAsync(_context.TenantA, "Alex's");
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            await db.Sequences.Where(s => s.Id == mine.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UserId, me.Id));
            await db.Sequences.Where(s => s.Id == theirs.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.UserId, alex.Id));
        });
        _context.Bunit.Services.GetRequiredService<TenantContext>().Set(_context.TenantA, me.Id);

        var page = _context.Bunit.Render<SequenceList>();

        page.WaitForAssertion(() => Rows(page).Should().HaveCount(2), Wait);
        Rows(page).Select(r => r.QuerySelector("[data-testid=sequence-owner-name]")!.TextContent).Should().Equal("alex@acme.test", "Morgan");
        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        page.WaitForAssertion(() => RowNames(page).Should().Equal("Mine"), Wait);
    }

    [Fact]
    public async Task Another_tenants_sequences_are_not_shown()
    {
        await CreateAsync(_context.TenantA, "Ours");
        await CreateAsync(_context.TenantB, "Theirs, secret");

        var page = _context.Bunit.Render<SequenceList>();

        page.WaitForAssertion(() => Rows(page).Should().ContainSingle(), Wait);
        page.Markup.Should().Contain("Ours").And.NotContain("Theirs, secret");
        page.Find("[data-testid=sequences-grid-range]").TextContent.Should().Be("1–1 of 1");
    }

    [Fact]
    public async Task Search_filters_rows_on_the_server()
    {
        await CreateAsync(_context.TenantA, "Welcome series");
        await CreateAsync(_context.TenantA, "Webinar follow-up");
        await CreateAsync(_context.TenantA, "Renewal reminder", "Sent before the welcome anniversary");
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => Rows(page).Should().HaveCount(3), Wait);

        await SearchAsync(page, "WELCOME");

        // Matches the name of one and the description of another, case-insensitively.
        page.WaitForAssertion(() => RowNames(page).Should().BeEquivalentTo("Welcome series", "Renewal reminder"), Wait);

        await SearchAsync(page, "no such sequence");
        page.WaitForAssertion(() =>
        {
            Rows(page).Should().BeEmpty();
            page.Find("[data-testid=sequences-grid-empty]").TextContent.Should().Contain("No sequences match your search");
        }, Wait);
    }

    [Fact]
    public async Task Pages_through_sixty_sequences_fifty_at_a_time()
    {
        for (var i = 1; i <= 60; i++) await CreateAsync(_context.TenantA, $"Sequence {i:00}");

        var page = _context.Bunit.Render<SequenceList>();

        page.WaitForAssertion(() => Rows(page).Should().HaveCount(50), Wait);
        RowNames(page).First().Should().Be("Sequence 60");
        page.Find("[data-testid=sequences-grid-range]").TextContent.Should().Be("1–50 of 60");

        PagerButton(page, "2").Click();

        page.WaitForAssertion(() => Rows(page).Should().HaveCount(10), Wait);
        RowNames(page).Should().Equal(Enumerable.Range(1, 10).Reverse().Select(i => $"Sequence {i:00}"));
        page.Find("[data-testid=sequences-grid-range]").TextContent.Should().Be("51–60 of 60");
    }

    [Fact]
    public async Task Status_filter_shows_only_that_status()
    {
        await CreateAsync(_context.TenantA, "Still a draft");
        var live = await CreateAsync(_context.TenantA, "Live one");
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            await db.Sequences.Where(s => s.Id == live.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SequenceStatus.Active));
        });
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => Rows(page).Should().HaveCount(2), Wait);

        page.Find("[data-testid=status-filter-active]").Click();

        page.WaitForAssertion(() => RowNames(page).Should().Equal("Live one"), Wait);
        Rows(page).Single().QuerySelector("[data-testid=sequence-status]")!.GetAttribute("data-status").Should().Be("active");

        page.Find("[data-testid=status-filter-archived]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=sequences-grid-empty]").TextContent
            .Should().Contain("No sequences match"), Wait);
    }

    [Fact]
    public async Task Duplicate_adds_a_copy_and_reloads()
    {
        var original = await CreateAsync(_context.TenantA, "Cold outreach");
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => Rows(page).Should().ContainSingle(), Wait);

        Rows(page).Single().QuerySelector("[data-testid=sequence-duplicate]")!.Click();

        page.WaitForAssertion(() => RowNames(page).Should().BeEquivalentTo("Cold outreach", "Cold outreach (copy)"), Wait);
        Rows(page).Select(r => r.GetAttribute("data-sequence-id")).Should().Contain(original.Id.ToString())
            .And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Shows_an_empty_state_when_there_are_no_sequences()
    {
        var page = _context.Bunit.Render<SequenceList>();

        page.WaitForAssertion(() => page.Find("[data-testid=sequences-grid-empty]").TextContent
            .Should().Contain("No sequences yet"), Wait);
        page.FindAll("[data-testid=sequences-grid-range]").Should().BeEmpty();
    }

    private async Task<Sequence> CreateAsync(Guid tenantId, string name, string? description = null)
    {
        Sequence? created = null;
        await _context.AsTenantAsync(tenantId, async services =>
            created = await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput { Name = name, Description = description }));
        // Distinct creation times: the list is ordered newest first.
        _context.Clock.Advance(TimeSpan.FromMinutes(1));
        return created!;
    }

    /// <summary>Types into the search box and lets the debounce elapse: MudBlazor times it with the
    /// registered <see cref="TimeProvider"/>, which here is the fake clock.</summary>
    private async Task SearchAsync(IRenderedComponent<SequenceList> page, string text)
    {
        // Awaited: the debounce timer exists only once the input handler has finished.
        await page.Find("input[data-testid=sequences-search]").InputAsync(new ChangeEventArgs { Value = text });
        _context.Clock.Advance(TimeSpan.FromSeconds(1));
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<SequenceList> page) =>
        page.FindAll("[data-testid=sequences-grid] [data-testid=sequence-row]");

    private static IEnumerable<string> RowNames(IRenderedComponent<SequenceList> page) =>
        Rows(page).Select(r => r.QuerySelector("[data-testid=sequence-link]")!.TextContent.Trim()).ToList();

    private static IElement PagerButton(IRenderedComponent<SequenceList> page, string label) =>
        page.FindAll("[data-testid=sequences-grid-pager] button").Single(b => b.TextContent.Trim() == label);
}
