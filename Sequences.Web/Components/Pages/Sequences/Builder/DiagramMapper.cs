using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Sequences.Core.Common;
using Sequences.Core.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>Keeps a <see cref="BlazorDiagram"/> in step with a <see cref="BuilderDocument"/>: one node per step
/// (reused across syncs, so measured sizes survive), links in step order and along condition branches, and a
/// top-down layout for nodes the user has not placed. User gestures on the diagram (moving a node, drawing a
/// branch) come back as document edits.</summary>
public sealed class DiagramMapper
{
    public const double NodeWidth = 260;
    public const double NodeHeight = 104;
    public const double Spacing = 150;
    public const double Left = 60;
    public const double Top = 20;
    public const double StartWidth = 120;
    public const double StartHeight = 44;
    /// <summary>How close (px) a drop must land to a gap between two steps to insert there.</summary>
    public const double HitDistance = 45;

    private readonly Dictionary<Guid, StepNodeModel> _nodes = [];

    public DiagramMapper(BlazorDiagram diagram, BuilderDocument document)
    {
        Diagram = diagram;
        Document = document;
        Start = new StartNodeModel(new Point(Left + (NodeWidth - StartWidth) / 2, Top));
        diagram.Nodes.Added += node => node.Moved += OnMoved;
        diagram.Nodes.Removed += node => node.Moved -= OnMoved;
        diagram.Links.Added += link => link.TargetAttached += OnTargetAttached;
        diagram.Links.Removed += link => link.TargetAttached -= OnTargetAttached;
        diagram.Nodes.Add(Start);
    }

    public BlazorDiagram Diagram { get; }
    public BuilderDocument Document { get; private set; }
    public StartNodeModel Start { get; }

    /// <summary>Raised after a gesture changed the document; true when the step order or routes changed.</summary>
    public event Action<bool>? DocumentChanged;

    public StepNodeModel? NodeFor(Guid stepId) => _nodes.GetValueOrDefault(stepId);

    /// <summary>Points the mapper at a new document (after a save reloads it) and syncs.</summary>
    public void Load(BuilderDocument document, IReadOnlyList<ValidationIssue> issues)
    {
        Document = document;
        Sync(issues);
    }

    /// <summary>Brings the diagram in line with the document. Only what changed is touched: kept links and nodes
    /// whose text is the same are not re-rendered, so a drop on a long sequence sends the browser a small update.</summary>
    public void Sync(IReadOnlyList<ValidationIssue> issues)
    {
        Diagram.Batch(() =>
        {
            foreach (var (id, node) in _nodes.ToList())
            {
                if (Document.Find(id) is { } draft && ReferenceEquals(draft, node.Step)) continue;
                Diagram.Nodes.Remove(node);
                _nodes.Remove(id);
            }
            for (var i = 0; i < Document.Steps.Count; i++)
            {
                var step = Document.Steps[i];
                var at = PositionOf(step, i);
                if (_nodes.TryGetValue(step.Id, out var node))
                {
                    if (node.Position.X != at.X || node.Position.Y != at.Y) node.SetPosition(at.X, at.Y);
                }
                else
                {
                    node = new StepNodeModel(step, Document, at);
                    _nodes[step.Id] = node;
                    Diagram.Nodes.Add(node);
                }
                node.Issues = issues.Where(x => x.StepId == step.Id).ToList();
            }
            SyncLinks();
            RefreshChanged();
        });
    }

    /// <summary>Re-renders the nodes whose text changed after an edit in the properties panel (the edited step, and
    /// any whose issues or routes it touched).</summary>
    public void Refresh(StepDraft step, IReadOnlyList<ValidationIssue> issues)
    {
        foreach (var node in _nodes.Values) node.Issues = issues.Where(x => x.StepId == node.Step.Id).ToList();
        RefreshChanged();
    }

    private void RefreshChanged()
    {
        foreach (var node in _nodes.Values)
        {
            var shown = Shown(node);
            if (shown == node.Shown) continue;
            node.Shown = shown;
            node.Refresh();
        }
    }

    /// <summary>Everything <see cref="StepNodeWidget"/> prints for a node: when it is unchanged, so is the node.</summary>
    private string Shown(StepNodeModel node)
    {
        var step = node.Step;
        var index = Document.IndexOf(step.Id);
        var text = new System.Text.StringBuilder()
            .Append(index).Append('\u001f').Append(step.IsSaved).Append('\u001f').Append(StepText.Title(step, index))
            .Append('\u001f').Append(StepText.Wait(step)).Append('\u001f').Append(StepText.Detail(step, Document));
        if (step.StepType == StepType.Condition)
            text.Append('\u001f').Append(StepText.Route(Document, step, true)).Append('\u001f').Append(StepText.Route(Document, step, false));
        foreach (var issue in node.Issues) text.Append('\u001f').Append(issue.Severity).Append(issue.Message);
        return text.ToString();
    }

    public static Point AutoPosition(int index) => new(Left, Top + StartHeight + 50 + index * Spacing);

    /// <summary>The insert index for a drop at <paramref name="point"/> (diagram coordinates) when it lands on the
    /// chain between two steps (or after the last one); null when it lands elsewhere. <paramref name="moving"/> is left
    /// out of the chain, so the index is where it goes once taken out.</summary>
    public int? FindInsertIndex(Point point, StepDraft? moving = null)
    {
        var order = Document.Steps.Where(s => s != moving).ToList();
        var previousBottom = new Point(Start.Position.X + StartWidth / 2, Start.Position.Y + StartHeight);
        int? best = null;
        var bestDistance = HitDistance;
        for (var k = 0; k <= order.Count; k++)
        {
            var nextTop = k < order.Count ? TopCenter(order[k], Document.IndexOf(order[k].Id)) : new Point(previousBottom.X, previousBottom.Y + Spacing - NodeHeight);
            var distance = DistanceToSegment(point, previousBottom, nextTop);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = k;
            }
            if (k < order.Count) previousBottom = BottomCenter(order[k], Document.IndexOf(order[k].Id));
        }
        return best;
    }

    /// <summary>Links in step order and along condition branches. A link already there with the same ends stays
    /// (re-creating all of them re-renders every link); the rest, hand-drawn ones included, are replaced.</summary>
    private void SyncLinks()
    {
        var wanted = WantedLinks();
        var byId = wanted.ToDictionary(w => w.Id);
        var kept = new HashSet<string>();
        foreach (var link in Diagram.Links.ToList())
        {
            if (byId.TryGetValue(link.Id, out var want) && ReferenceEquals(link.Source.Model, want.From) && ReferenceEquals(link.Target.Model, want.To.In)) kept.Add(link.Id);
            else Diagram.Links.Remove(link);
        }
        foreach (var want in wanted.Where(w => !kept.Contains(w.Id))) Add(want);
    }

    private sealed record WantedLink(string Id, StepPortModel From, StepNodeModel To, string? Color = null);

    private List<WantedLink> WantedLinks()
    {
        var links = new List<WantedLink>();
        var steps = Document.Steps;
        if (steps.Count > 0) links.Add(new WantedLink("start", Start.Out, _nodes[steps[0].Id]));
        for (var i = 0; i < steps.Count; i++)
        {
            var node = _nodes[steps[i].Id];
            if (node.Next is not null)
            {
                if (i + 1 < steps.Count) links.Add(new WantedLink($"{steps[i].Id}-next", node.Next, _nodes[steps[i + 1].Id]));
                continue;
            }
            if (Document.BranchTarget(steps[i], true) is { } yes) links.Add(new WantedLink($"{steps[i].Id}-yes", node.Yes!, _nodes[yes.Id], "#2e7d32"));
            if (Document.BranchTarget(steps[i], false) is { } no) links.Add(new WantedLink($"{steps[i].Id}-no", node.No!, _nodes[no.Id], "#c62828"));
        }
        return links;
    }

    private void Add(WantedLink want)
    {
        var link = new LinkModel(want.Id, new SinglePortAnchor(want.From), new SinglePortAnchor(want.To.In))
        {
            TargetMarker = LinkMarker.Arrow,
        };
        if (want.Color is not null) link.Color = want.Color;
        Diagram.Links.Add(link);
    }

    private void OnMoved(MovableModel model)
    {
        if (model is not StepNodeModel node || !ReferenceEquals(Document.Find(node.Step.Id), node.Step)) return;
        var size = node.Size;
        var center = new Point(node.Position.X + (size?.Width ?? NodeWidth) / 2, node.Position.Y + (size?.Height ?? NodeHeight) / 2);
        var current = Document.IndexOf(node.Step.Id);
        if (FindInsertIndex(center, node.Step) is { } index && index != current)
        {
            Document.Move(node.Step.Id, index);
            DocumentChanged?.Invoke(true);
            return;
        }
        node.Step.PositionX = Math.Round(node.Position.X);
        node.Step.PositionY = Math.Round(node.Position.Y);
        DocumentChanged?.Invoke(false);
    }

    /// <summary>A branch drawn by hand from a condition's yes/no port onto a step becomes that branch's route.</summary>
    private void OnTargetAttached(BaseLinkModel link)
    {
        if (link.Source.Model is not StepPortModel { Role: PortRole.Yes or PortRole.No } port || port.Parent is not StepNodeModel condition) return;
        var target = link.Target.Model switch
        {
            StepNodeModel node => node,
            StepPortModel { Parent: StepNodeModel parent } => parent,
            _ => null,
        };
        if (target is null) return;
        Document.SetBranch(condition.Step, port.Role == PortRole.Yes, target.Step.Id);
        DocumentChanged?.Invoke(true);
    }

    private Point PositionOf(StepDraft step, int index) =>
        step.PositionX is { } x && step.PositionY is { } y ? new Point(x, y) : AutoPosition(index);

    private Point TopCenter(StepDraft step, int index)
    {
        var at = _nodes.TryGetValue(step.Id, out var node) ? node.Position : PositionOf(step, index);
        return new Point(at.X + (node?.Size?.Width ?? NodeWidth) / 2, at.Y);
    }

    private Point BottomCenter(StepDraft step, int index)
    {
        var at = _nodes.TryGetValue(step.Id, out var node) ? node.Position : PositionOf(step, index);
        return new Point(at.X + (node?.Size?.Width ?? NodeWidth) / 2, at.Y + (node?.Size?.Height ?? NodeHeight));
    }

    private static double DistanceToSegment(Point p, Point a, Point b)
    {
        var dx = b.X - a.X;
        var dy = b.Y - a.Y;
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared == 0 ? 0 : Math.Clamp(((p.X - a.X) * dx + (p.Y - a.Y) * dy) / lengthSquared, 0, 1);
        return p.DistanceTo(a.X + t * dx, a.Y + t * dy);
    }
}
