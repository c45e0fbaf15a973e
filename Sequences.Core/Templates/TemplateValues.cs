using System.Collections;
using System.Globalization;
using Fluid.Values;

namespace Sequences.Core.Templates;

/// <summary>
/// Turns a <see cref="TemplateModel"/> into Fluid values up front, so the template never sees a
/// CLR object and Fluid's member access (reflection) is never involved.
/// </summary>
internal static class TemplateValues
{
    // Models are shallow (lead.tags is the deepest); the bound only stops self-referencing input.
    private const int MaxDepth = 8;

    public static FluidValue From(object? value, int depth = 0)
    {
        if (depth > MaxDepth) return NilValue.Instance;
        return value switch
        {
            null => NilValue.Instance,
            string s => new StringValue(s),
            bool b => BooleanValue.Create(b),
            int or long or short or byte or uint or ulong or ushort or sbyte or decimal => NumberValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
            double d when double.IsFinite(d) && Math.Abs(d) < 1e28 => NumberValue.Create((decimal)d),
            float f when float.IsFinite(f) && Math.Abs(f) < 1e28f => NumberValue.Create((decimal)f),
            DateTime dt => new DateTimeValue(dt),
            DateTimeOffset dto => new DateTimeValue(dto),
            IReadOnlyDictionary<string, object?> map => Dictionary(map.Select(p => (p.Key, p.Value)), depth),
            IDictionary map => Dictionary(map.Keys.Cast<object>().Select(k => (Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", map[k])), depth),
            IEnumerable items => new ArrayValue(items.Cast<object?>().Select(i => From(i, depth + 1)).ToArray()),
            _ => new StringValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
        };
    }

    private static DictionaryValue Dictionary(IEnumerable<(string Key, object? Value)> entries, int depth)
    {
        var values = new Dictionary<string, FluidValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries) values[key] = From(value, depth + 1);
        return new DictionaryValue(new FluidValueDictionaryFluidIndexable(values));
    }
}
