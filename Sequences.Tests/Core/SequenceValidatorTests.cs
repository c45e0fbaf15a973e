using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;

namespace Sequences.Tests.Core;

public sealed class SequenceValidatorTests
{
    /// <summary>One expected issue; <see cref="Step"/> is the step order (null: no step), <see cref="Says"/> a part of the message.</summary>
    public sealed record Expected(string Code, string Field, IssueSeverity Severity, int? Step, string? Says = null);

    public sealed record Case(string Name, Sequence Sequence, Expected[] Issues)
    {
        public override string ToString() => Name;
    }

    private static readonly Guid Elsewhere = Guid.Parse("99999999-9999-4999-8999-999999999999");

    private static Guid IdOf(int order) => Guid.Parse($"00000000-0000-4000-8000-{order:D12}");

    private static string Route(int order) => IdOf(order).ToString();

    private static SequenceStep Step(int order, StepType type) => new() { Id = IdOf(order), StepOrder = order, StepType = type };

    private static SequenceStep Email(int order, string? subject = "Hi {{ lead.first_name }}", string? html = "<p>Hello from {{ user.name }}</p>",
        string? text = null, params SequenceStepVariant[] variants)
    {
        var step = Step(order, StepType.Email);
        step.SubjectLine = subject;
        step.BodyHtml = html;
        step.BodyText = text;
        step.Variants = [.. variants];
        return step;
    }

    private static SequenceStep Threaded(SequenceStep step)
    {
        step.SameThread = true;
        return step;
    }

    private static SequenceStepVariant Variant(string label, string? subject = null, string? html = null, string? text = null) =>
        new() { Variant = label, SubjectLine = subject, BodyHtml = html, BodyText = text };

    // A day's wait by default, so only the cases about waiting see condition_without_wait.
    private static SequenceStep Condition(int order, ConditionValue? value = null, int delayDays = 1, int delayHours = 0)
    {
        var step = Step(order, StepType.Condition);
        step.ConditionType = ConditionType.IfOpened;
        step.ConditionValue = value;
        step.DelayDays = delayDays;
        step.DelayHours = delayHours;
        return step;
    }

    private static SequenceStep Delay(int order, int days = 2)
    {
        var step = Step(order, StepType.Delay);
        step.DelayDays = days;
        return step;
    }

    private static SequenceStep Action(int order, int delayHours = 0)
    {
        var step = Step(order, StepType.Action);
        step.ActionType = ActionType.TagLead;
        step.ActionConfig = new ActionConfig { Tag = "engaged" };
        step.DelayHours = delayHours;
        return step;
    }

    private static Sequence Of(params SequenceStep[] steps) => new() { Name = "Test", Steps = [.. steps] };

    private static Expected Error(string code, string field, int? step, string? says = null) => new(code, field, IssueSeverity.Error, step, says);

    private static Expected Warning(string code, string field, int? step, string? says = null) => new(code, field, IssueSeverity.Warning, step, says);

    public static TheoryData<Case> Cases => new()
    {
        new Case("a sound sequence", Of(
            Email(1),
            Condition(2, new ConditionValue { EmailStepId = IdOf(1), OnTrue = "stop", OnFalse = Route(4) }),
            Email(3, "Follow-up for {{ lead.company }}", html: null, text: "Plan: {{ custom.plan }} {{ unsubscribe_url }}"),
            Delay(4),
            Email(5, "Last one, {{ lead.name | default: 'friend' }}")), []),

        new Case("no steps", Of(), [Error("no_steps", "steps", null)]),

        new Case("steps only of another version", WithVersion(Of(Email(1)), sequenceVersion: 2), [Error("no_steps", "steps", null)]),

        new Case("other versions are ignored", Of(Email(1), OldVersion(Email(2, subject: "{% if %}")), OldVersion(Condition(3, new ConditionValue { OnTrue = Route(1) }))), []),

        new Case("email without subject", Of(Email(1, subject: "  ")),
            [Error("empty_email", "subject_line", 1, "no subject")]),

        new Case("email without any body", Of(Email(1, html: "", text: " ")),
            [Error("empty_email", "body_html", 1, "no body")]),

        new Case("text body alone is enough", Of(Email(1, html: null, text: "Hello")), []),

        new Case("variants fall back to the step's fields", Of(
            Email(1, "Step subject", "<p>Step body</p>", null, Variant("A", subject: "A subject"), Variant("B", html: "<p>B body</p>"))), []),

        new Case("each variant needs content after fallback", Of(
            Email(1, subject: null, html: null, text: null,
                Variant("A", subject: "A subject", html: "<p>A</p>"),
                Variant("B", html: "<p>B</p>"),
                Variant("C", subject: "C subject"))),
            [
                Error("empty_email", "variants[1].subject_line", 1, "Variant B"),
                Error("empty_email", "variants[2].body_html", 1, "Variant C"),
            ]),

        new Case("liquid that does not parse", Of(
            Email(1, subject: "Hi {% if lead.first_name %}", html: "<p>{{ lead.name | }}</p>", text: "{% unknowntag %}")),
            [
                Error("template_syntax", "subject_line", 1, "(1:"),
                Error("template_syntax", "body_html", 1, "identifier was expected"),
                Error("template_syntax", "body_text", 1, "Unknown tag 'unknowntag'"),
            ]),

        new Case("liquid that does not parse in a variant", Of(
            Email(1, "Subject", "<p>Body</p>", null, Variant("A", subject: "{% if %}", html: "{% for %}"))),
            [
                Error("template_syntax", "variants[0].subject_line", 1, "Invalid 'if' tag"),
                Error("template_syntax", "variants[0].body_html", 1, "The HTML body of variant A of step 1 is not valid Liquid"),
            ]),

        new Case("unknown variables, one warning per variable and field", Of(
            Email(1, subject: "Hi {{ lead.nickname }}", html: "{{ foo }} {{ lead.first_name }} {{ foo }} {{ bar.baz }}", text: "{{ lead.nickname }}",
                Variant("A", subject: "{{ custom.plan }} {{ campaign.id }}"))),
            [
                Warning("unknown_variable", "subject_line", 1, "lead.nickname"),
                Warning("unknown_variable", "body_html", 1, "{{ foo }}"),
                Warning("unknown_variable", "body_html", 1, "{{ bar.baz }}"),
                Warning("unknown_variable", "body_text", 1, "The plain-text body of step 1 uses {{ lead.nickname }}"),
                Warning("unknown_variable", "variants[0].subject_line", 1, "campaign.id"),
            ]),

        new Case("loop variables are not unknown", Of(
            Email(1, "Tags", "{% for tag in lead.tags %}{{ tag }} {{ forloop.index }}{% endfor %}{% assign n = lead.name %}{{ n }}")), []),

        new Case("route to a step that is not there", Of(
            Email(1),
            Condition(2, new ConditionValue { OnTrue = Elsewhere.ToString(), OnFalse = "continue" }),
            Email(3)),
            [Error("dangling_reference", "condition_value.on_true", 2, Elsewhere.ToString())]),

        new Case("every reference can dangle", Of(
            Email(1),
            Condition(2, new ConditionValue { OnFalse = Elsewhere.ToString(), SkipTo = Elsewhere, EmailStepId = Elsewhere })),
            [
                Error("dangling_reference", "condition_value.on_false", 2),
                Error("dangling_reference", "condition_value.skip_to", 2),
                Error("dangling_reference", "condition_value.email_step_id", 2),
            ]),

        new Case("a route to a step of another version dangles", Of(
            Email(1), Condition(2, new ConditionValue { OnTrue = Route(3) }), OldVersion(Email(3))),
            [Error("dangling_reference", "condition_value.on_true", 2)]),

        new Case("routes back or to itself are cycles", Of(
            Email(1),
            Email(2),
            Condition(3, new ConditionValue { OnTrue = Route(3), OnFalse = Route(1) }),
            Condition(4, new ConditionValue { SkipTo = IdOf(2) })),
            [
                Warning("no_wait_between_emails", "delay_hours", 2, "same minute"),
                Error("cycle", "condition_value.on_true", 3, "step 3"),
                Error("cycle", "condition_value.on_false", 3, "step 1"),
                Error("cycle", "condition_value.skip_to", 4, "step 2"),
            ]),

        new Case("forward jumps are fine", Of(
            Email(1), Condition(2, new ConditionValue { OnTrue = Route(4), SkipTo = IdOf(3) }), Email(3), Email(4)),
            [Warning("no_wait_between_emails", "delay_hours", 4, "follows the email of step 3")]),

        new Case("email_step_id must name an earlier email", Of(
            Delay(1),
            Email(2),
            Condition(3, new ConditionValue { EmailStepId = IdOf(1) }),
            Condition(4, new ConditionValue { EmailStepId = IdOf(5) }),
            Email(5)),
            [
                Error("invalid_reference", "condition_value.email_step_id", 3, "not an email"),
                Warning("same_route", "condition_value.on_false", 3),
                Error("invalid_reference", "condition_value.email_step_id", 4, "not before"),
                Warning("same_route", "condition_value.on_false", 4),
            ]),

        new Case("a condition whose answers lead to the same place changes nothing, unless both stop: that ends a branch", Of(
            Email(1),
            Condition(2, new ConditionValue { OnTrue = "continue", OnFalse = "continue" }),
            Condition(3, new ConditionValue { OnTrue = Route(4), OnFalse = "continue" }),
            Email(4),
            Condition(5, new ConditionValue { OnTrue = "stop", OnFalse = "stop" }),
            Condition(6, new ConditionValue { OnTrue = "stop", OnFalse = "continue" })),
            [
                Warning("same_route", "condition_value.on_false", 2, "whether the answer is yes or no"),
                Warning("same_route", "condition_value.on_false", 3),
            ]),

        new Case("a route that is no route", Of(Email(1), Condition(2, new ConditionValue { OnTrue = "later" })),
            [Error("invalid_route", "condition_value.on_true", 2, "later")]),

        new Case("condition right after an email without a wait", Of(Email(1), Condition(2, delayDays: 0, delayHours: 0)),
            [Warning("condition_without_wait", "delay_hours", 2)]),

        new Case("steps are taken in step order, not list order", Of(Condition(2, delayDays: 0), Email(1)),
            [Warning("condition_without_wait", "delay_hours", 2)]),

        new Case("hours are a wait too", Of(Email(1), Condition(2, delayDays: 0, delayHours: 3)), []),

        new Case("a reply in the thread with no email before it", Of(Threaded(Email(1)), Delay(2), Threaded(Email(3))),
            [Warning("no_earlier_email", "same_thread", 1, "no email comes before it")]),

        new Case("a delay step in between is a wait", Of(Email(1), Delay(2), Condition(3, delayDays: 0)), []),

        new Case("actions take no time: emails on either side of one go out in the same minute", Of(Email(1), Action(2), Action(3), Email(4)),
            [Warning("no_wait_between_emails", "delay_hours", 4, "follows the email of step 1")]),

        new Case("an action that waits is a wait", Of(Email(1), Action(2, delayHours: 2), Email(3)), []),
    };

    private static Sequence WithVersion(Sequence sequence, int sequenceVersion)
    {
        sequence.Version = sequenceVersion;
        return sequence;
    }

    private static SequenceStep OldVersion(SequenceStep step)
    {
        step.Version = 0;
        return step;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_graph_and_content_problems(Case @case)
    {
        var issues = SequenceValidator.Validate(@case.Sequence);

        issues.Select(i => (i.Code, i.Field, i.Severity, i.StepId))
            .Should().BeEquivalentTo(@case.Issues.Select(e => (e.Code, e.Field, e.Severity, e.Step is { } order ? IdOf(order) : (Guid?)null)));
        foreach (var expected in @case.Issues.Where(e => e.Says is not null))
            issues.Should().Contain(i => i.Code == expected.Code && i.Field == expected.Field && i.Message.Contains(expected.Says!),
                $"the {expected.Code} issue on {expected.Field} should say \"{expected.Says}\"");
    }

    [Fact]
    public void Uses_the_template_service_it_is_given()
    {
        var strict = new LiquidTemplates(new TemplateLimits { MaxTagChars = 10 });

        var issues = SequenceValidator.Validate(Of(Email(1, subject: "Hi {{ lead.first_name }}", html: "<p>Hello</p>")), strict);

        issues.Should().ContainSingle().Which.Should().Match<ValidationIssue>(i =>
            i.Code == "template_syntax" && i.Field == "subject_line" && i.Message.Contains("longer than 10 characters"));
    }
}
