using System.Diagnostics;
using System.Text;
using Fluid;
using Fluid.Values;

namespace Sequences.Core.Templates;

/// <summary>
/// The limits of one render in progress. It travels in the TemplateContext because Fluid calls
/// filters, assignments and custom nodes with the context only.
/// </summary>
internal sealed class RenderBudget
{
    private const string ContextKey = "sequences.render_budget";

    private readonly long _deadline;
    private long _output;
    private long _produced;

    public RenderBudget(TemplateLimits limits)
    {
        Limits = limits;
        _deadline = Stopwatch.GetTimestamp() + (long)(limits.Timeout.TotalSeconds * Stopwatch.Frequency);
    }

    public TemplateLimits Limits { get; }

    public void AttachTo(TemplateContext context) => context.AmbientValues[ContextKey] = this;

    public static RenderBudget Of(TemplateContext context) =>
        context.AmbientValues.TryGetValue(ContextKey, out var value) && value is RenderBudget budget
            ? budget
            : throw new InvalidOperationException("A template was rendered outside LiquidTemplates.Render.");

    public void Charge(int chars, bool isOutput)
    {
        _produced += chars;
        if (isOutput) _output += chars;
        if (_output > Limits.MaxOutputChars)
            throw new TemplateRenderException($"The rendered text is longer than {Limits.MaxOutputChars} characters.");
        if (_produced > Limits.MaxProducedChars)
            throw new TemplateRenderException($"The template produced more than {Limits.MaxProducedChars} characters.");
        CheckTime();
    }

    public void CheckTime()
    {
        if (Stopwatch.GetTimestamp() > _deadline)
            throw new TemplateRenderException($"The template took longer than {Limits.Timeout.TotalSeconds:0.#} s to render.");
    }

    /// <summary>Rejects a value before it is stored or passed on, so doubling it in a loop stays bounded.</summary>
    public FluidValue Checked(FluidValue value)
    {
        CheckTime();
        switch (value)
        {
            case StringValue s:
                CheckLength(s.ToStringValue().Length);
                break;
            case ArrayValue a:
                CheckLength(a.Values.Count);
                break;
        }
        return value;
    }

    public void CheckLength(long length)
    {
        if (length > Limits.MaxOutputChars)
            throw new TemplateRenderException($"A value in the template is longer than {Limits.MaxOutputChars} characters.");
    }
}

/// <summary>Charges every character to the budget before it is written, so nothing past the limit is ever buffered.</summary>
internal sealed class BudgetedWriter(TextWriter inner, RenderBudget budget, bool isOutput) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        budget.Charge(1, isOutput);
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        budget.Charge(value.Length, isOutput);
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        budget.Charge(count, isOutput);
        inner.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        budget.Charge(buffer.Length, isOutput);
        inner.Write(buffer);
    }

    // TextWriter's async defaults hop to the thread pool; rendering is synchronous, so stay inline.
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;
}
