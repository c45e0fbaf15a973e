using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Sequences.Core.Templates;

/// <summary>
/// Rewrites a parsed template once, before it is cached, so that the parts of Liquid that reach
/// outside the sandbox or cost unbounded memory cannot run.
/// </summary>
internal sealed class SandboxRewriter : AstRewriter
{
    public static IFluidTemplate Apply(IFluidTemplate template) => new SandboxRewriter().VisitTemplate(template);

    // Partials would read the file provider; email templates have none, so they render nothing.
    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement) => new NoOpStatement();

    protected override Statement VisitRenderStatement(RenderStatement renderStatement) => new NoOpStatement();

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression) =>
        base.VisitRangeExpression(rangeExpression) is RangeExpression range ? new BoundedRangeExpression(range) : rangeExpression;

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        var capture = base.VisitCaptureStatement(captureStatement) as CaptureStatement ?? captureStatement;
        return new CaptureStatement(capture.Identifier, [new BudgetedBlock(capture.Statements)]);
    }
}

/// <summary>Checks a range's length before Fluid materialises it as an array.</summary>
internal sealed class BoundedRangeExpression(RangeExpression range) : Expression
{
    public RangeExpression Range => range;

    public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        var from = (await range.From.EvaluateAsync(context)).ToNumberValue();
        var to = (await range.To.EvaluateAsync(context)).ToNumberValue();
        var limit = RenderBudget.Of(context).Limits.MaxRangeLength;
        if (to - from >= limit)
            throw new TemplateRenderException($"A range in the template has more than {limit} items.");
        return await range.EvaluateAsync(context);
    }

    protected override Expression Accept(AstVisitor visitor) => visitor.VisitOtherExpression(this);
}

/// <summary>
/// Runs a capture's body through the budget: Fluid renders captures into an unbounded buffer that
/// the output writer never sees.
/// </summary>
internal sealed class BudgetedBlock(IReadOnlyList<Statement> statements) : Statement
{
    public IReadOnlyList<Statement> Statements => statements;

    public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        var budgeted = new BudgetedWriter(writer, RenderBudget.Of(context), isOutput: false);
        foreach (var statement in statements)
        {
            var completion = await statement.WriteToAsync(budgeted, encoder, context);
            // break/continue inside a capture must still reach the enclosing loop.
            if (completion != Completion.Normal) return completion;
        }
        return Completion.Normal;
    }

    protected override Statement Accept(AstVisitor visitor) => visitor.VisitOtherStatement(this);
}
