using Fluid;
using Fluid.Values;

namespace Sequences.Core.Templates;

/// <summary>
/// Wraps every filter so its result goes through the render budget. <c>replace</c> and
/// <c>join</c> multiply lengths, so their result size is computed before they allocate it.
/// </summary>
internal static class SandboxFilters
{
    public static void Install(FilterCollection filters)
    {
        foreach (var (name, filter) in filters.ToList())
            filters.AddFilter(name, Guard(name, filter));
    }

    private static FilterDelegate Guard(string name, FilterDelegate filter) => (input, arguments, context) =>
    {
        var budget = RenderBudget.Of(context);
        budget.CheckTime();
        switch (name)
        {
            case "replace":
                budget.CheckLength(ReplacedLength(input, arguments));
                break;
            case "join":
                budget.CheckLength(JoinedLength(input, arguments, context));
                break;
        }
        var result = filter(input, arguments, context);
        return result.IsCompletedSuccessfully ? ValueTask.FromResult(budget.Checked(result.Result)) : Checked(result, budget);
    };

    private static async ValueTask<FluidValue> Checked(ValueTask<FluidValue> pending, RenderBudget budget) =>
        budget.Checked(await pending);

    private static long ReplacedLength(FluidValue input, FilterArguments arguments)
    {
        var text = input.ToStringValue();
        var search = arguments.At(0).ToStringValue();
        var replacement = arguments.At(1).ToStringValue();
        // An empty search string inserts the replacement between every character.
        var hits = search.Length == 0 ? text.Length + 1 : Occurrences(text, search);
        return text.Length + hits * Math.Max(0, replacement.Length - search.Length);
    }

    private static long Occurrences(string text, string search)
    {
        long count = 0;
        for (var i = text.IndexOf(search, StringComparison.Ordinal); i >= 0; i = text.IndexOf(search, i + search.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static long JoinedLength(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var separator = arguments.Count > 0 ? arguments.At(0).ToStringValue() : " ";
        long length = 0, items = 0;
        foreach (var item in input.Enumerate(context))
        {
            length += item.ToStringValue().Length;
            items++;
        }
        return length + Math.Max(0, items - 1) * (long)separator.Length;
    }
}
