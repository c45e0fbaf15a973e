using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Web.Components.Pages.Sequences.Builder;

namespace Sequences.Tests.Web;

/// <summary>The sequence-to-diagram mapping on a <see cref="BlazorDiagram"/> directly: no canvas, no JS.</summary>
public sealed class BuilderMappingTests
{
    private readonly BlazorDiagram _diagram = new();
    private readonly BuilderDocument _document = new() { Name = "Mapped" };
    private readonly DiagramMapper _mapper;
    private readonly List<bool> _changes = [];

    public BuilderMappingTests()
    {
        _mapper = new DiagramMapper(_diagram, _document);
        _mapper.DocumentChanged += structural => _changes.Add(structural);
    }

    [Fact]
    public void Nodes_follow_the_steps_top_down_with_links_in_step_order()
    {
        var (first, wait, second) = (Add(Email("Hi")), Add(StepType.Delay), Add(Email("Again")));

        _mapper.Sync([]);

        _diagram.Nodes.Should().HaveCount(4);
        var nodes = _document.Steps.Select(s => _mapper.NodeFor(s.Id)!).ToList();
        nodes.Select(n => n.Position.Y).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        nodes.Select(n => n.Position.X).Distinct().Should().ContainSingle("the automatic layout is one column");
        Links().Should().Equal(("start", first.Id), (first.Id.ToString(), wait.Id), (wait.Id.ToString(), second.Id));
    }

    [Fact]
    public void A_condition_has_yes_and_no_ports_whose_links_follow_its_routes()
    {
        var email = Add(Email("Hi"));
        var condition = Add(StepType.Condition);
        var next = Add(Email("Follow-up"));
        var tag = Add(StepType.Action);
        condition.OnFalse = tag.Id.ToString();

        _mapper.Sync([]);

        var node = _mapper.NodeFor(condition.Id)!;
        node.Yes.Should().NotBeNull();
        node.No.Should().NotBeNull();
        node.Next.Should().BeNull();
        LinkFrom(node.Yes!).Should().Be(next.Id);
        LinkFrom(node.No!).Should().Be(tag.Id);
        _mapper.NodeFor(email.Id)!.Yes.Should().BeNull("only conditions branch");

        // if_replied stops on yes by default: no yes link, and the node says where each branch goes.
        condition.ConditionType = ConditionType.IfReplied;
        _mapper.Sync([]);
        LinkFrom(node.Yes!).Should().BeNull();
        StepText.Route(_document, condition, true).Should().Be("end");
        StepText.Route(_document, condition, false).Should().Be("step 4");
    }

    [Fact]
    public void Drawing_a_link_from_the_no_port_sets_on_false()
    {
        Add(Email("Hi"));
        var condition = Add(StepType.Condition);
        var next = Add(Email("Follow-up"));
        var last = Add(StepType.Action);
        _mapper.Sync([]);
        var node = _mapper.NodeFor(condition.Id)!;

        Draw(node.No!, _mapper.NodeFor(last.Id)!);

        condition.OnFalse.Should().Be(last.Id.ToString());
        _changes.Should().Equal(true);
        _mapper.Sync([]);
        LinkFrom(node.No!).Should().Be(last.Id);

        // Onto the very next step it is written as "continue".
        Draw(node.Yes!, _mapper.NodeFor(next.Id)!);
        condition.OnTrue.Should().Be("continue");
    }

    [Fact]
    public void Only_branch_ports_may_be_linked_by_hand()
    {
        var email = Add(Email("Hi"));
        var condition = Add(StepType.Condition);
        _mapper.Sync([]);

        _mapper.NodeFor(email.Id)!.Next!.CanAttachTo(_mapper.NodeFor(condition.Id)!).Should().BeFalse();
        _mapper.NodeFor(condition.Id)!.No!.CanAttachTo(_mapper.NodeFor(email.Id)!).Should().BeTrue();
        _mapper.NodeFor(condition.Id)!.No!.CanAttachTo(_mapper.NodeFor(condition.Id)!).Should().BeFalse("not onto itself");
    }

    [Fact]
    public void A_drop_on_the_link_between_two_steps_inserts_there_and_elsewhere_appends()
    {
        var first = Add(Email("Hi"));
        var second = Add(Email("Again"));
        _mapper.Sync([]);
        var above = _mapper.NodeFor(first.Id)!;
        var below = _mapper.NodeFor(second.Id)!;
        var onLink = new Point(above.Position.X + DiagramMapper.NodeWidth / 2, (above.Position.Y + DiagramMapper.NodeHeight + below.Position.Y) / 2);

        _mapper.FindInsertIndex(onLink).Should().Be(1);
        _mapper.FindInsertIndex(new Point(above.Position.X + 900, onLink.Y)).Should().BeNull("that is empty canvas: the builder appends");
        _mapper.FindInsertIndex(new Point(onLink.X, 40)).Should().Be(0, "the link from Start inserts first");

        var wait = _document.Insert(_mapper.FindInsertIndex(onLink)!.Value, StepDraft.New(StepType.Delay));
        _mapper.Sync([]);

        _document.Steps.Should().Equal(first, wait, second);
        Links().Should().Equal(("start", first.Id), (first.Id.ToString(), wait.Id), (wait.Id.ToString(), second.Id));
        _mapper.NodeFor(second.Id)!.Position.Y.Should().BeGreaterThan(_mapper.NodeFor(wait.Id)!.Position.Y, "later steps move down");
    }

    [Fact]
    public void Dragging_a_node_onto_another_link_reorders_and_a_small_move_only_places_it()
    {
        var a = Add(Email("A"));
        var b = Add(Email("B"));
        var c = Add(Email("C"));
        _mapper.Sync([]);
        var nodeA = _mapper.NodeFor(a.Id)!;

        // A small move keeps the order and remembers where the node is.
        nodeA.SetPosition(nodeA.Position.X + 150, nodeA.Position.Y + 10);
        nodeA.TriggerMoved();
        _document.Steps.Should().Equal(a, b, c);
        a.PositionX.Should().Be(nodeA.Position.X);
        a.PositionY.Should().Be(nodeA.Position.Y);
        _changes.Should().Equal(false);

        // Dropped on the link between B and C, A goes there and rejoins the automatic layout.
        var nodeB = _mapper.NodeFor(b.Id)!;
        var nodeC = _mapper.NodeFor(c.Id)!;
        var gapY = (nodeB.Position.Y + DiagramMapper.NodeHeight + nodeC.Position.Y) / 2;
        nodeA.SetPosition(nodeB.Position.X, gapY - DiagramMapper.NodeHeight / 2);
        nodeA.TriggerMoved();

        _document.Steps.Should().Equal(b, a, c);
        a.PositionX.Should().BeNull();
        _changes.Should().Equal(false, true);
    }

    [Fact]
    public void Deleting_a_referenced_step_sends_its_routes_on()
    {
        var email = Add(Email("Hi"));
        var condition = Add(StepType.Condition);
        Add(Email("Next"));
        var tag = Add(StepType.Action);
        condition.OnFalse = tag.Id.ToString();
        condition.EmailStepId = email.Id;

        _document.ReferencesTo(tag.Id).Should().Equal(condition);
        _document.ReferencesTo(email.Id).Should().Equal(condition);
        _document.Remove(tag.Id).Should().BeTrue();
        _mapper.Sync([]);

        condition.OnFalse.Should().BeNull();
        _diagram.Nodes.Should().HaveCount(4);
        _document.Remove(email.Id);
        condition.EmailStepId.Should().BeNull();
    }

    [Fact]
    public void Validation_problems_land_on_their_nodes()
    {
        var empty = Add(StepType.Email);
        var condition = Add(StepType.Condition);
        condition.OnTrue = empty.Id.ToString();

        var issues = BuilderValidation.Validate(_document, new LiquidTemplates());
        _mapper.Sync(issues);

        issues.Should().Contain(i => i.StepId == empty.Id && i.Code == "empty_email" && i.Severity == IssueSeverity.Error);
        issues.Should().Contain(i => i.StepId == condition.Id && i.Code == "cycle");
        _mapper.NodeFor(empty.Id)!.Issues.Should().OnlyContain(i => i.StepId == empty.Id).And.NotBeEmpty();
        _mapper.NodeFor(condition.Id)!.Issues.Should().Contain(i => i.Code == "cycle");
    }

    [Fact]
    public void Shape_problems_are_reported_before_a_save_would_reject_them()
    {
        var hook = Add(StepType.Action);
        hook.ActionType = ActionType.Webhook;
        hook.ActionUrl = "ftp://example.com";
        _document.Name = " ";

        var issues = BuilderValidation.Validate(_document, new LiquidTemplates());

        issues.Should().Contain(i => i.StepId == hook.Id && i.Field == "action_config.url" && i.Code == "invalid_url");
        issues.Should().Contain(i => i.StepId == null && i.Field == "name");
        FieldIssues.For(issues, "action_config.url").Should().Contain("http");
    }

    [Fact]
    public void Summaries_read_like_the_node_shows_them()
    {
        var wait = StepDraft.New(StepType.Delay);
        wait.DelayDays = 2;
        wait.SendTime = "09:00";
        StepText.Wait(wait).Should().Be("Wait 2 days, then 09:00");
        wait.DelayDays = 1;
        wait.DelayHours = 3;
        wait.SendTime = null;
        StepText.Wait(wait).Should().Be("Wait 1 day 3 hours");
        StepText.Wait(new StepDraft { StepType = StepType.Email }).Should().Be("Right away");
    }

    private StepDraft Add(StepType type) => _document.Insert(_document.Steps.Count, StepDraft.New(type));

    private StepDraft Add(StepDraft step) => _document.Insert(_document.Steps.Count, step);

    private static StepDraft Email(string subject) =>
        new() { StepType = StepType.Email, Name = subject, SubjectLine = subject, BodyHtml = "<p>Hello {{ lead.first_name }}</p>" };

    /// <summary>What the drag-new-link behaviour does when the pointer is released over a node.</summary>
    private void Draw(StepPortModel from, StepNodeModel to)
    {
        var link = new LinkModel(new SinglePortAnchor(from), new ShapeIntersectionAnchor(to));
        _diagram.Links.Add(link);
        link.TriggerTargetAttached();
    }

    private List<(string From, Guid To)> Links() => _diagram.Links
        .Select(l => (From: ((StepPortModel)l.Source.Model!).Parent.Id, To: ((StepPortModel)l.Target.Model!).Parent is StepNodeModel n ? n.Step.Id : Guid.Empty))
        .ToList();

    private Guid? LinkFrom(StepPortModel port) =>
        _diagram.Links.Where(l => l.Source.Model == port).Select(l => ((StepNodeModel)((StepPortModel)l.Target.Model!).Parent).Step.Id)
            .Cast<Guid?>().SingleOrDefault();
}
