using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Sequences;
using Sequences.Web.Components.Pages.Sequences;

namespace Sequences.Tests.Web;

/// <summary>The list page's lifecycle and export actions, next to edit and duplicate.</summary>
public sealed class BuilderListPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private PageTestContext _context = default!;

    public async Task InitializeAsync() => _context = await PageTestContext.CreateAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Start_pause_and_resume_from_the_row()
    {
        await CreateAsync("Ready to go", valid: true);
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => Status(page).Should().Be("draft"), Wait);

        page.Find("[data-testid=sequence-start]").Click();
        page.WaitForAssertion(() => Status(page).Should().Be("active"), Wait);

        page.Find("[data-testid=sequence-pause]").Click();
        page.WaitForAssertion(() => Status(page).Should().Be("paused"), Wait);

        page.Find("[data-testid=sequence-resume]").Click();
        page.WaitForAssertion(() => Status(page).Should().Be("active"), Wait);
        page.FindAll("[data-testid=sequence-start]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_sequence_with_errors_does_not_start()
    {
        await CreateAsync("Empty email", valid: false);
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => Status(page).Should().Be("draft"), Wait);

        page.Find("[data-testid=sequence-start]").Click();

        page.WaitForAssertion(() => page.FindAll("[data-testid=sequence-start]").Should().NotBeEmpty(), Wait);
        Status(page).Should().Be("draft");
    }

    [Fact]
    public async Task Export_downloads_the_sequence_as_json()
    {
        var sequence = await CreateAsync("Exported", valid: true);
        var page = _context.Bunit.Render<SequenceList>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=sequence-export]").Should().ContainSingle(), Wait);

        page.Find("[data-testid=sequence-export]").Click();

        page.WaitForAssertion(() => _context.Bunit.JSInterop.Invocations["sequencesDownload"].Should().ContainSingle(), Wait);
        var call = _context.Bunit.JSInterop.Invocations["sequencesDownload"].Single();
        call.Arguments[0].Should().Be("exported.sequence.json");
        var document = JsonSerializer.Deserialize<SequenceDocument>((string)call.Arguments[1]!, JsonDefaults.Options)!;
        document.FormatVersion.Should().Be(SequenceDocument.CurrentFormatVersion);
        document.Name.Should().Be("Exported");
        document.Steps.Should().ContainSingle().Which.SubjectLine.Should().Be("Hello");
        sequence.Id.Should().NotBeEmpty();
    }

    private async Task<Sequence> CreateAsync(string name, bool valid)
    {
        Sequence? created = null;
        await _context.AsTenantAsync(_context.TenantA, async services =>
            created = await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
            {
                Name = name,
                Steps = [new StepInput { StepType = StepType.Email, SubjectLine = "Hello", BodyHtml = valid ? "<p>Hi</p>" : null }],
            }));
        return created!;
    }

    private static string? Status(IRenderedComponent<SequenceList> page) =>
        page.Find("[data-testid=sequence-row] [data-testid=sequence-status]").GetAttribute("data-status");
}
