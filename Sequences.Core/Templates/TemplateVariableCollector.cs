using System.Text;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Sequences.Core.Templates;

/// <summary>
/// Finds the dotted paths a template reads from its model. Names the template defines itself
/// (loop variables, assign, capture) are not model reads and are left out.
/// </summary>
internal sealed class TemplateVariableCollector : AstVisitor
{
    private readonly List<string> _found = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    // Liquid's assign and capture are template-wide from the point they run, loops are not.
    private readonly HashSet<string> _assigned = new(StringComparer.Ordinal);
    private readonly List<string> _loopLocals = [];

    public static IReadOnlyList<string> Collect(IFluidTemplate template)
    {
        var collector = new TemplateVariableCollector();
        collector.VisitTemplate(template);
        return collector._found.ToArray();
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var segments = memberExpression.Segments;
        var path = new StringBuilder();
        var complete = true;
        foreach (var segment in segments)
        {
            var name = complete ? StaticName(segment) : null;
            if (name is not null)
            {
                if (path.Length > 0) path.Append('.');
                path.Append(name);
                continue;
            }
            // lead.tags[i]: the path stops at the dynamic index, whose own reads still count.
            complete = false;
            if (segment is IndexerSegment indexer) Visit(indexer.Expression);
        }

        if (path.Length > 0 && StaticName(segments[0]) is { } root && !IsLocal(root))
        {
            var found = path.ToString();
            if (_seen.Add(found)) _found.Add(found);
        }
        return memberExpression;
    }

    private static string? StaticName(MemberSegment segment) => segment switch
    {
        IdentifierSegment identifier => identifier.Identifier,
        IndexerSegment { Expression: LiteralExpression { Value: StringValue key } } => key.ToStringValue(),
        _ => null,
    };

    private bool IsLocal(string name) => _assigned.Contains(name) || _loopLocals.Contains(name);

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        Visit(assignStatement.Value);
        _assigned.Add(assignStatement.Identifier);
        return assignStatement;
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        VisitAll(captureStatement.Statements);
        _assigned.Add(captureStatement.Identifier);
        return captureStatement;
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        Visit(forStatement.Source);
        Visit(forStatement.Limit);
        Visit(forStatement.Offset);
        InLoop(forStatement.Identifier, "forloop", forStatement.Statements);
        Visit(forStatement.Else);
        return forStatement;
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        Visit(tableRowStatement.Source);
        Visit(tableRowStatement.Limit);
        Visit(tableRowStatement.Offset);
        Visit(tableRowStatement.Cols);
        InLoop(tableRowStatement.Identifier, "tablerowloop", tableRowStatement.Statements);
        return tableRowStatement;
    }

    // Document order, so an assign in the body hides the name only where it has run.
    protected override Statement VisitIfStatement(IfStatement ifStatement)
    {
        Visit(ifStatement.Condition);
        VisitAll(ifStatement.Statements);
        foreach (var elseIf in ifStatement.ElseIfs) Visit(elseIf);
        Visit(ifStatement.Else);
        return ifStatement;
    }

    protected override Statement VisitUnlessStatement(UnlessStatement unlessStatement)
    {
        Visit(unlessStatement.Condition);
        VisitAll(unlessStatement.Statements);
        Visit(unlessStatement.Else);
        return unlessStatement;
    }

    public override Expression VisitOtherExpression(Expression expression)
    {
        if (expression is BoundedRangeExpression bounded) Visit(bounded.Range);
        return expression;
    }

    public override Statement VisitOtherStatement(Statement statement)
    {
        if (statement is BudgetedBlock block) VisitAll(block.Statements);
        return statement;
    }

    private void InLoop(string identifier, string loopObject, IReadOnlyList<Statement> body)
    {
        _loopLocals.Add(identifier);
        _loopLocals.Add(loopObject);
        VisitAll(body);
        _loopLocals.RemoveRange(_loopLocals.Count - 2, 2);
    }

    private void VisitAll(IReadOnlyList<Statement> statements)
    {
        foreach (var statement in statements) Visit(statement);
    }
}
