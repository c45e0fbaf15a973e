using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Sequences.Web.Components.Shared;

namespace Sequences.Tests.Preview;

/// <summary>The editor component's side of the interop: it loads its module, mounts TipTap with the html, reports edits,
/// inserts variables at the cursor and tears the editor down. The browser test covers the JS itself.</summary>
public sealed class RichTextEditorTests : IAsyncLifetime
{
    private const string ModulePath = "./js/bundle/rich-text-editor.js";

    private readonly BunitContext _bunit = new();
    private BunitJSInterop _module = default!;
    private BunitJSInterop _editor = default!;

    public Task InitializeAsync()
    {
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        _module = _bunit.JSInterop.SetupModule(ModulePath);
        _editor = _module.SetupModule("create", _ => true);
        _editor.Mode = JSRuntimeMode.Loose;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    [Fact]
    public void Mounts_the_editor_from_its_module_with_the_html_and_shows_a_toolbar()
    {
        var cut = _bunit.Render<RichTextEditor>(p => p
            .Add(e => e.Value, "<p>Hi {{ lead.first_name }}</p>")
            .Add(e => e.Label, "Body")
            .Add(e => e.TestId, "body"));

        var create = _module.VerifyInvoke("create");
        create.Arguments[2].Should().Be("<p>Hi {{ lead.first_name }}</p>");
        create.Arguments[3].Should().Be(false);
        cut.WaitForAssertion(() => cut.Find("[data-testid=body]").GetAttribute("data-ready").Should().Be("true"));
        cut.Find("[data-testid=body]").TextContent.Should().Contain("Body");
        cut.FindAll("[data-command]").Select(b => b.GetAttribute("data-command")).Should().Contain(["bold", "italic", "bulletList"]);
    }

    [Fact]
    public async Task Reports_edits_inserts_variables_and_only_pushes_outside_changes_back()
    {
        string? bound = "<p>Hello</p>";
        var cut = _bunit.Render<RichTextEditor>(p => p
            .Add(e => e.Value, bound)
            .Add(e => e.ValueChanged, (string? v) => bound = v));
        cut.WaitForAssertion(() => cut.Find(".rte").GetAttribute("data-ready").Should().Be("true"));

        await cut.InvokeAsync(() => cut.Instance.OnEditorChanged("<p>Hello there</p>"));
        bound.Should().Be("<p>Hello there</p>");
        // The parent hands the editor's own change back: nothing is pushed into the editor (the cursor stays put).
        cut.Render(p => p.Add(e => e.Value, bound));
        _editor.Invocations.Should().NotContain(i => i.Identifier == "setContent");

        cut.Render(p => p.Add(e => e.Value, "<p>Loaded from a template</p>"));
        _editor.VerifyInvoke("setContent").Arguments[0].Should().Be("<p>Loaded from a template</p>");

        await cut.InvokeAsync(() => cut.Instance.InsertTextAsync("{{ lead.first_name }}"));
        _editor.VerifyInvoke("insertText").Arguments[0].Should().Be("{{ lead.first_name }}");

        cut.Find("[data-command=bold]").Click();
        _editor.VerifyInvoke("run").Arguments[0].Should().Be("bold");
    }

    [Fact]
    public async Task Html_source_mode_edits_the_markup_as_typed()
    {
        string? bound = "<table><tr><td>{{ lead.company }}</td></tr></table>";
        var cut = _bunit.Render<RichTextEditor>(p => p
            .Add(e => e.Value, bound)
            .Add(e => e.ValueChanged, (string? v) => bound = v)
            .Add(e => e.TestId, "body"));

        cut.Find("[data-testid=body-source-toggle]").Click();
        cut.Find("[data-testid=body]").GetAttribute("data-mode").Should().Be("source");
        cut.Find("textarea[data-testid=body-source]").Input("<table><tr><td>{{ lead.company }}!</td></tr></table>");
        bound.Should().Be("<table><tr><td>{{ lead.company }}!</td></tr></table>");

        await cut.InvokeAsync(() => cut.Instance.InsertTextAsync(" {{ lead.title }}"));
        bound.Should().EndWith("</table> {{ lead.title }}");
    }

    [Fact]
    public async Task Disposing_destroys_the_editor()
    {
        var cut = _bunit.Render<RichTextEditor>(p => p.Add(e => e.Value, "<p>x</p>"));
        cut.WaitForAssertion(() => cut.Find(".rte").GetAttribute("data-ready").Should().Be("true"));

        await cut.Instance.DisposeAsync();

        _editor.VerifyInvoke("destroy");
    }

    [Fact]
    public void Read_only_shows_no_toolbar_and_mounts_read_only()
    {
        var cut = _bunit.Render<RichTextEditor>(p => p.Add(e => e.Value, "<p>x</p>").Add(e => e.ReadOnly, true));

        _module.VerifyInvoke("create").Arguments[3].Should().Be(true);
        cut.FindAll("[data-command]").Should().BeEmpty();
    }
}
