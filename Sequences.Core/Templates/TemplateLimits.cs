namespace Sequences.Core.Templates;

/// <summary>
/// The sandbox of a render. Templates are written by tenant users and rendered inside the shared
/// scheduler, so one bad template must cost a failed message, never the host's CPU, memory or stack.
/// </summary>
public sealed record TemplateLimits
{
    public static TemplateLimits Default { get; } = new();

    /// <summary>Fluid's statement counter; a normal email needs a few hundred.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Characters of rendered output (subject, html or text), about 256 KB.</summary>
    public int MaxOutputChars { get; init; } = 256 * 1024;

    /// <summary>
    /// Characters produced in total, captures included: a capture renders into memory before
    /// any output limit sees it.
    /// </summary>
    public int MaxProducedChars { get; init; } = 1024 * 1024;

    /// <summary>Fluid materialises <c>(a..b)</c> as an array, so a huge range costs memory before any step is counted.</summary>
    public int MaxRangeLength { get; init; } = 10_000;

    /// <summary>Wall-clock budget of one render, checked whenever the template writes, assigns or filters.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Html bodies may carry inline images, so this is generous.</summary>
    public int MaxTemplateChars { get; init; } = 1024 * 1024;

    /// <summary>
    /// Fluid's parser and renderer recurse per nesting level; deep nesting overflows the stack,
    /// which kills the process instead of throwing.
    /// </summary>
    public int MaxBlockDepth { get; init; } = 32;

    /// <summary>Length of one <c>{{ }}</c> or <c>{% %}</c>: bounds the depth of operator and filter chains, for the same reason.</summary>
    public int MaxTagChars { get; init; } = 2_000;

    public int MaxRecursion { get; init; } = 32;

    /// <summary>Parsed templates kept; there are few distinct templates per tenant, so this rarely fills.</summary>
    public int CacheCapacity { get; init; } = 2_048;
}
