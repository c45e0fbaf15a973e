using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>What a port stands for: the way into a step, the way on, or a condition's yes/no branch.</summary>
public enum PortRole { In, Next, Yes, No }

public sealed class StepPortModel(NodeModel parent, PortAlignment alignment, PortRole role)
    : PortModel(parent, alignment, null, null)
{
    public PortRole Role { get; } = role;

    /// <summary>Only yes/no branches may be drawn by hand, and only onto a step.</summary>
    public override bool CanAttachTo(Blazor.Diagrams.Core.Models.Base.ILinkable other) =>
        Role is PortRole.Yes or PortRole.No
        && (other is StepNodeModel node && node != Parent || other is StepPortModel { Role: PortRole.In } port && port.Parent != Parent);
}

/// <summary>
/// Where the builder's nodes and ports are, from the sizes builder.css fixes. Blazor.Diagrams would otherwise measure
/// them in the browser: a round trip per port, then a size report per node, which measures every port again. On a
/// long sequence that was hundreds of messages before the canvas settled. A browser test checks these against the page.
/// </summary>
internal static class CanvasGeometry
{
    // A step's ports sit on the edges of its padding box, inside a 1 px border with a 5 px left stripe.
    private const double StepBorder = 1;
    private const double StepStripe = 5;
    private const double Port = 14;
    private const double BranchPort = 22;

    /// <summary>Gives the node (a step or the start) its fixed size and its ports their place, so that nothing is
    /// measured. The node itself sets ControlledSize, which only its constructor may.</summary>
    public static void Place(NodeModel node)
    {
        var step = node is StepNodeModel;
        node.Size = step ? new Size(DiagramMapper.NodeWidth, DiagramMapper.NodeHeight) : new Size(DiagramMapper.StartWidth, DiagramMapper.StartHeight);
        var (left, top) = step ? (StepStripe, StepBorder) : (0, 0);
        var (width, height) = step ? (node.Size.Width - StepStripe - StepBorder, node.Size.Height - 2 * StepBorder) : (node.Size.Width, node.Size.Height);
        foreach (var port in node.Ports.OfType<StepPortModel>())
        {
            var diameter = port.Role is PortRole.Yes or PortRole.No ? BranchPort : Port;
            var (x, y) = port.Alignment switch
            {
                PortAlignment.Top => (left + width / 2, top),
                PortAlignment.Right => (left + width, top + height / 2),
                _ => (left + width / 2, top + height),
            };
            port.Size = new Size(diameter, diameter);
            port.Position = new Point(node.Position.X + x - diameter / 2, node.Position.Y + y - diameter / 2);
            port.Initialized = true;
        }
    }
}

/// <summary>The "Start" node every chain hangs from.</summary>
public sealed class StartNodeModel : NodeModel
{
    public StartNodeModel(Point position) : base("start", position)
    {
        Out = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Bottom, PortRole.Next));
        ControlledSize = true;
        CanvasGeometry.Place(this);
    }

    public StepPortModel Out { get; }
}

/// <summary>A step on the canvas; it shows the draft it wraps, so edits in the panel show after <c>Refresh()</c>.</summary>
public sealed class StepNodeModel : NodeModel
{
    public StepNodeModel(StepDraft step, BuilderDocument document, Point position) : base(step.Id.ToString(), position)
    {
        Step = step;
        Document = document;
        In = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Top, PortRole.In));
        if (step.StepType == Core.Sequences.StepType.Condition)
        {
            Yes = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Bottom, PortRole.Yes));
            No = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Right, PortRole.No));
        }
        else
        {
            Next = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Bottom, PortRole.Next));
        }
        ControlledSize = true;
        CanvasGeometry.Place(this);
    }

    public StepDraft Step { get; }
    public BuilderDocument Document { get; }
    public StepPortModel In { get; }
    public StepPortModel? Next { get; }
    public StepPortModel? Yes { get; }
    public StepPortModel? No { get; }

    /// <summary>Problems of this step from the last validation, shown on the node.</summary>
    public IReadOnlyList<Core.Common.ValidationIssue> Issues { get; set; } = [];

    /// <summary>What the node showed when last refreshed (see <see cref="DiagramMapper"/>): unchanged text is not re-rendered.</summary>
    internal string? Shown { get; set; }
}
