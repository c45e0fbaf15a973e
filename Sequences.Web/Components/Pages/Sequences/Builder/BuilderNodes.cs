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

/// <summary>The "Start" node every chain hangs from.</summary>
public sealed class StartNodeModel : NodeModel
{
    public StartNodeModel(Point position) : base("start", position)
    {
        Out = (StepPortModel)AddPort(new StepPortModel(this, PortAlignment.Bottom, PortRole.Next));
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
