using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Sequences;
using Sequences.Web.Components.Pages.Sequences.Builder;

namespace Sequences.Tests.Web;

/// <summary>Each properties editor binds to the step draft, tells the builder, and shows the validator's messages.</summary>
public sealed class BuilderEditorTests : IAsyncLifetime
{
    private PageTestContext _context = default!;
    private int _changes;

    public async Task InitializeAsync() => _context = await PageTestContext.CreateAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Email_editor_binds_subject_body_and_plain_text()
    {
        var step = StepDraft.New(StepType.Email);
        var editor = RenderEmail(step, []);

        editor.Find("input[data-testid=email-subject]").Input("Hi {{ lead.first_name }}");
        // The rich text editor is JavaScript; what it reports back is its ValueChanged.
        var body = editor.FindComponent<global::Sequences.Web.Components.Shared.RichTextEditor>();
        body.Find("[data-testid=email-body]");
        await editor.InvokeAsync(() => body.Instance.ValueChanged.InvokeAsync("<p>Welcome aboard</p>"));
        editor.Find("textarea[data-testid=email-text]").Input("Welcome aboard");

        step.SubjectLine.Should().Be("Hi {{ lead.first_name }}");
        step.BodyHtml.Should().Be("<p>Welcome aboard</p>");
        step.BodyText.Should().Be("Welcome aboard");
        _changes.Should().Be(3);
    }

    [Fact]
    public void Email_editor_sends_a_step_as_a_reply_in_the_thread_and_says_what_that_does()
    {
        var document = new BuilderDocument { Name = "Threaded" };
        document.Insert(0, StepDraft.New(StepType.Email)).SubjectLine = "Intro";
        var step = document.Insert(1, StepDraft.New(StepType.Email));
        step.SubjectLine = "Fallback";
        var editor = RenderEmail(step, []);
        editor.FindAll("[data-testid=email-same-thread-hint]").Should().BeEmpty();

        MudInputs.InputOf(editor.Find("[data-testid=email-same-thread]")).Change(true);

        step.SameThread.Should().BeTrue();
        _changes.Should().Be(1);
        editor.Find("[data-testid=email-same-thread-hint]").TextContent.Should().Contain("\"Re: \" its subject");
        StepText.Detail(step, document).Should().Be("Reply in thread (else: Fallback)");
        document.Steps[1].ToInput().SameThread.Should().BeTrue("the builder saves it");
        BuilderValidation.Validate(document, new()).Should().NotContain(i => i.Code == "no_earlier_email");
        document.Steps[0].SameThread = true;
        BuilderValidation.Validate(document, new()).Should().ContainSingle(i => i.Code == "no_earlier_email" && i.StepId == document.Steps[0].Id);
    }

    [Fact]
    public async Task Using_a_template_asks_before_it_replaces_what_was_written()
    {
        var step = StepDraft.New(StepType.Email);
        step.SubjectLine = "My own words";
        var dialogs = _context.Bunit.Render<MudBlazor.MudDialogProvider>();
        var editor = RenderEmail(step, []);
        var select = editor.FindComponent<MudBlazor.MudSelect<Guid?>>();
        editor.WaitForAssertion(() => editor.Find("[data-testid=email-template-picker]").GetAttribute("data-templates").Should().NotBe("0"), TimeSpan.FromSeconds(10));
        var template = (await _context.Bunit.Services.GetRequiredService<global::Sequences.Infrastructure.Templates.TemplateService>().ListAsync()).First();
        await editor.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(template.Id));

        editor.Find("[data-testid=email-template-apply]").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain($"with \"{template.Name}\"? What is written here now is lost."), TimeSpan.FromSeconds(10));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        step.SubjectLine.Should().Be("My own words", "a cancelled replace keeps the text");

        editor.Find("[data-testid=email-template-apply]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Should().Contain(b => b.TextContent.Trim() == "Replace"), TimeSpan.FromSeconds(10));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Replace").Click();
        editor.WaitForAssertion(() => step.SubjectLine.Should().Be(template.SubjectLine), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_custom_fields_leads_have_are_offered_as_variables_and_another_workspaces_are_not()
    {
        await _context.AsTenantAsync(_context.TenantA, async services =>
        {
            var leads = services.GetRequiredService<LeadService>();
            await leads.CreateAsync(new LeadInput { Email = "ada@example.com", Custom = new() { ["icebreaker"] = "Loved your talk", ["plan"] = "pro" } });
            await leads.CreateAsync(new LeadInput { Email = "grace@example.com", Custom = new() { ["plan"] = "basic" } });
        });
        await _context.AsTenantAsync(_context.TenantB, services =>
            services.GetRequiredService<LeadService>().CreateAsync(new LeadInput { Email = "b@example.com", Custom = new() { ["secret_deal"] = "x" } }));
        var popovers = _context.Bunit.Render<MudBlazor.MudPopoverProvider>();
        var step = StepDraft.New(StepType.Email);
        var editor = RenderEmail(step, []);

        editor.WaitForAssertion(() => editor.FindAll("[data-testid=email-variables] [data-variable]").Select(c => c.GetAttribute("data-variable"))
            .Should().Contain(["{{ lead.first_name }}", "{{ custom.icebreaker }}", "{{ custom.plan }}"]).And.NotContain("{{ custom.secret_deal }}"));
        editor.Find("[data-testid=email-subject-variables] button").Click();
        popovers.WaitForAssertion(() => popovers.FindAll("[data-variable]").Should().NotBeEmpty(), TimeSpan.FromSeconds(10));
        popovers.FindAll("[data-variable]").Single(i => i.GetAttribute("data-variable") == "{{ custom.icebreaker }}").Click();

        step.SubjectLine.Should().Be("{{ custom.icebreaker }}");
    }

    [Fact]
    public void A_variable_goes_into_the_subject_from_its_menu()
    {
        var step = StepDraft.New(StepType.Email);
        step.SubjectLine = "Quick question for ";
        var popovers = _context.Bunit.Render<MudBlazor.MudPopoverProvider>();
        var editor = RenderEmail(step, []);

        editor.Find("[data-testid=email-subject-variables] button").Click();
        popovers.WaitForAssertion(() => popovers.FindAll("[data-variable]").Should().NotBeEmpty(), TimeSpan.FromSeconds(10));
        popovers.FindAll("[data-variable]").Single(i => i.GetAttribute("data-variable") == "{{ lead.company }}").Click();

        step.SubjectLine.Should().Be("Quick question for {{ lead.company }}");
        _changes.Should().Be(1);
    }

    [Fact]
    public void Email_editor_shows_validation_messages_on_its_fields()
    {
        var document = new BuilderDocument { Name = "Checked" };
        var step = document.Insert(0, StepDraft.New(StepType.Email));
        step.SubjectLine = "Hi {{ lead.first_name";
        var issues = BuilderValidation.Validate(document, new());

        var editor = RenderEmail(step, issues);

        editor.Markup.Should().Contain("The subject of step 1 (Email) is not valid Liquid").And.NotContain("subject_line");
        editor.Find("[data-testid=email-body-error]").TextContent.Should().Contain("has no body");
    }

    [Fact]
    public void Email_editor_adds_weighted_ab_variants()
    {
        var step = StepDraft.New(StepType.Email);
        step.SubjectLine = "Original";
        var editor = RenderEmail(step, []);

        editor.Find("[data-testid=variant-add]").Click();
        editor.Find("[data-testid=variant-add]").Click();
        editor.FindAll("input[data-testid=variant-weight]")[1].Input("3");

        step.Variants.Select(v => v.Variant).Should().Equal("A", "B");
        step.Variants[0].SubjectLine.Should().BeNull("a new variant sends the step's own content, so a later correction of the step reaches it");
        step.Variants[1].Weight.Should().Be(3);
        step.ToInput().Variants.Should().HaveCount(2);
    }

    [Fact]
    public void Wait_editor_binds_days_hours_and_send_time_and_flags_a_bad_time()
    {
        var document = new BuilderDocument { Name = "Waits" };
        var step = document.Insert(0, StepDraft.New(StepType.Delay));
        var editor = RenderWait(step, []);

        editor.Find("input[data-testid=delay-days]").Input("3");
        editor.Find("input[data-testid=delay-hours]").Input("4");
        editor.Find("input[data-testid=delay-send-time]").Input("25:99");

        step.DelayDays.Should().Be(3);
        step.DelayHours.Should().Be(4);
        StepText.Wait(step).Should().Be("Wait 3 days 4 hours, then 25:99");

        var issues = BuilderValidation.Validate(document, new());
        editor.Render(p => p.Add(e => e.Issues, issues));
        editor.Markup.Should().Contain("must be a 24-hour time HH:mm");
    }

    [Fact]
    public void An_absurd_wait_is_kept_as_typed_and_marked_rather_than_quietly_changed()
    {
        var document = new BuilderDocument { Name = "Waits" };
        var step = document.Insert(0, StepDraft.New(StepType.Delay));
        var editor = RenderWait(step, []);

        editor.Find("input[data-testid=delay-days]").Input("10000");
        editor.Find("input[data-testid=delay-hours]").Input("-3");

        (step.DelayDays, step.DelayHours).Should().Be((10000, -3));
        editor.Render(p => p.Add(e => e.Issues, BuilderValidation.Validate(document, new())));
        editor.Markup.Should().Contain("The days to wait (delay_days) cannot be more than 3,650.")
            .And.Contain("The hours to wait (delay_hours) cannot be negative.");
    }

    [Fact]
    public void Condition_editor_shows_routes_and_their_problems()
    {
        var document = new BuilderDocument { Name = "Branches" };
        var email = document.Insert(0, new StepDraft { StepType = StepType.Email, SubjectLine = "Hi", BodyHtml = "x" });
        var condition = document.Insert(1, StepDraft.New(StepType.Condition));
        document.Insert(2, StepDraft.New(StepType.Action));
        condition.OnFalse = email.Id.ToString();
        var issues = BuilderValidation.Validate(document, new());

        var editor = _context.Bunit.Render<ConditionStepEditor>(p => p
            .Add(e => e.Step, condition).Add(e => e.Document, document).Add(e => e.Issues, issues.Where(i => i.StepId == condition.Id).ToList()));

        editor.Markup.Should().Contain("routes may only go forward");
        editor.Find("input[data-testid=condition-within-days]").Input("5");
        condition.WithinDays.Should().Be(5);
        StepText.Condition(condition, document).Should().Be("Opened the last email within 5 days?");
    }

    [Fact]
    public void Action_editor_shows_the_field_of_its_type_and_binds_it()
    {
        var document = new BuilderDocument { Name = "Acts" };
        var step = document.Insert(0, StepDraft.New(StepType.Action));
        step.ActionTag = "";
        var issues = BuilderValidation.Validate(document, new());
        var editor = RenderAction(step, issues);

        editor.Markup.Should().Contain("action_config.tag is required");
        editor.Find("input[data-testid=action-tag]").Input("hot");
        step.ActionTag.Should().Be("hot");
        step.ToInput().ActionConfig.Should().Be(new ActionConfig { Tag = "hot" });

        step.ActionType = ActionType.Webhook;
        editor.Render(p => p.Add(e => e.Issues, []));
        editor.FindAll("input[data-testid=action-tag]").Should().BeEmpty();
        editor.Find("input[data-testid=action-url]").Input("https://hooks.example.com/x");
        step.ToInput().ActionConfig.Should().Be(new ActionConfig { Url = "https://hooks.example.com/x" });
    }

    [Fact]
    public async Task A_document_saves_in_one_call_and_reloads_with_routes_positions_and_variants()
    {
        var document = new BuilderDocument { Name = "Round trip" };
        var email = document.Insert(0, new StepDraft { StepType = StepType.Email, SubjectLine = "Hi", BodyHtml = "<p>x</p>", PositionX = 400, PositionY = 120 });
        email.Variants.Add(new VariantDraft { Variant = "A", SubjectLine = "Hi A", Weight = 2 });
        email.Variants.Add(new VariantDraft { Variant = "B", SubjectLine = "Hi B", Weight = 1 });
        var condition = document.Insert(1, StepDraft.New(StepType.Condition));
        document.Insert(2, new StepDraft { StepType = StepType.Email, SubjectLine = "Again", BodyHtml = "<p>y</p>" });
        var tag = document.Insert(3, StepDraft.New(StepType.Action));
        condition.OnFalse = tag.Id.ToString();
        condition.EmailStepId = email.Id;

        Sequence saved = null!;
        await _context.AsTenantAsync(_context.TenantA, async s => saved = await s.GetRequiredService<SequenceService>().CreateAsync(document.ToInput()));
        var reloaded = BuilderDocument.From(saved);

        reloaded.Steps.Select(s => s.StepType).Should().Equal(StepType.Email, StepType.Condition, StepType.Email, StepType.Action);
        reloaded.Steps.Should().OnlyContain(s => s.IsSaved);
        reloaded.Steps[1].OnFalse.Should().Be(reloaded.Steps[3].Id.ToString(), "document-local ids are remapped on save");
        reloaded.Steps[1].EmailStepId.Should().Be(reloaded.Steps[0].Id);
        reloaded.Steps[0].PositionX.Should().Be(400);
        reloaded.Steps[0].PositionY.Should().Be(120);
        reloaded.Steps[0].Variants.Select(v => (v.Variant, v.Weight)).Should().Equal(("A", 2), ("B", 1));
        reloaded.Snapshot().Should().Be(BuilderDocument.From(saved).Snapshot(), "a freshly loaded document has nothing unsaved");
    }

    private IRenderedComponent<EmailStepEditor> RenderEmail(StepDraft step, IReadOnlyList<ValidationIssue> issues) =>
        _context.Bunit.Render<EmailStepEditor>(p => p.Add(e => e.Step, step).Add(e => e.Issues, issues).Add(e => e.Changed, () => _changes++));

    private IRenderedComponent<WaitEditor> RenderWait(StepDraft step, IReadOnlyList<ValidationIssue> issues) =>
        _context.Bunit.Render<WaitEditor>(p => p.Add(e => e.Step, step).Add(e => e.Issues, issues).Add(e => e.Changed, () => _changes++));

    private IRenderedComponent<ActionStepEditor> RenderAction(StepDraft step, IReadOnlyList<ValidationIssue> issues) =>
        _context.Bunit.Render<ActionStepEditor>(p => p.Add(e => e.Step, step).Add(e => e.Issues, issues).Add(e => e.Changed, () => _changes++));
}
