using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Microsoft.Extensions.FileProviders;

namespace Sequences.Core.Templates;

/// <summary>
/// The product's one Liquid service: syntax checks and variable lists for validation, sandboxed
/// rendering for sending. Thread-safe; register it as a singleton so the parse cache is shared.
/// </summary>
public sealed class LiquidTemplates
{
    private static readonly HashSet<string> KnownPaths = new(
        TemplateModel.LeadFields.Select(f => "lead." + f).Concat(["user.name", "user.email", "campaign.name", "unsubscribe_url"]),
        StringComparer.Ordinal);

    // Only characters that mean something in HTML are escaped; names like "José" stay readable.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly FluidParser _parser = new();
    private readonly TemplateOptions _options;
    private readonly TemplateLimits _limits;
    private readonly ConcurrentDictionary<string, ParsedTemplate> _cache = new(StringComparer.Ordinal);

    public LiquidTemplates(TemplateLimits? limits = null, TimeProvider? timeProvider = null)
    {
        _limits = limits ?? TemplateLimits.Default;
        var clock = timeProvider ?? TimeProvider.System;
        _options = new TemplateOptions
        {
            MaxSteps = _limits.MaxSteps,
            MaxRecursion = _limits.MaxRecursion,
            // Includes are removed from the tree already; this makes sure nothing can reach the disk anyway.
            FileProvider = new NullFileProvider(),
            // Nothing is registered: the model is converted to Fluid values, no CLR object is reachable.
            MemberAccessStrategy = new DefaultMemberAccessStrategy(),
            StrictVariables = false,
            StrictFilters = false,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            Now = clock.GetUtcNow,
            Assigned = (_, value, context) => ValueTask.FromResult(RenderBudget.Of(context).Checked(value)),
            Captured = (_, value, context) => ValueTask.FromResult(RenderBudget.Of(context).Checked(value)),
        };
        SandboxFilters.Install(_options.Filters);
    }

    /// <summary>Liquid syntax check; an empty template is valid.</summary>
    public bool TryParse(string? source, out string? error)
    {
        if (string.IsNullOrEmpty(source))
        {
            error = null;
            return true;
        }
        error = Parse(source).Error;
        return error is null;
    }

    /// <summary>
    /// The dotted model paths the template reads ("lead.first_name", "custom.plan"), in order of
    /// first use; empty when it does not parse.
    /// </summary>
    public IReadOnlyCollection<string> FindVariables(string? source) =>
        string.IsNullOrEmpty(source) ? [] : Parse(source).Variables;

    /// <summary>Whether a path names something <see cref="TemplateModel.For"/> provides.</summary>
    public static bool IsKnownVariable(string path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        if (path.StartsWith("custom.", StringComparison.Ordinal) && path.Length > "custom.".Length) return true;
        // size/first/last are Liquid's views of a value, not variables of their own.
        while (!KnownPaths.Contains(path))
        {
            var dot = path.LastIndexOf('.');
            if (dot < 0 || path[(dot + 1)..] is not ("size" or "first" or "last")) return false;
            path = path[..dot];
        }
        return true;
    }

    /// <summary>
    /// Renders with the sandbox's limits. Missing variables render empty. With
    /// <paramref name="encodeHtml"/> every value is HTML-escaped (for body_html); subject and text
    /// bodies are rendered without it.
    /// </summary>
    /// <exception cref="TemplateRenderException">The template does not parse or broke a limit.</exception>
    public string Render(string? source, TemplateModel model, bool encodeHtml = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrEmpty(source)) return "";
        var parsed = Parse(source);
        if (parsed.Template is null) throw new TemplateRenderException($"The template is not valid Liquid: {parsed.Error}");

        var budget = new RenderBudget(_limits);
        var context = new TemplateContext(_options, StringComparer.Ordinal);
        budget.AttachTo(context);
        foreach (var (name, value) in model.FluidValues) context.SetValue(name, value);

        var output = new StringBuilder();
        using var writer = new BudgetedWriter(new StringWriter(output, CultureInfo.InvariantCulture), budget, isOutput: true);
        try
        {
            var rendering = parsed.Template.RenderAsync(writer, context, encodeHtml ? Html : NullEncoder.Default);
            // Every filter and value here is synchronous, so this completes inline; the wait is a fallback.
            if (!rendering.IsCompletedSuccessfully) rendering.AsTask().GetAwaiter().GetResult();
        }
        catch (TemplateRenderException)
        {
            throw;
        }
        catch (InvalidOperationException e)
        {
            // Fluid reports its step limit with a message about recursion, so name both.
            throw new TemplateRenderException($"The template exceeded its limit of {_limits.MaxSteps} steps or {_limits.MaxRecursion} levels.", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TemplateRenderException($"The template failed to render: {e.Message}", e);
        }
        return output.ToString();
    }

    private ParsedTemplate Parse(string source)
    {
        if (_cache.TryGetValue(source, out var cached)) return cached;
        var parsed = ParseUncached(source);
        // A full cache is dropped rather than tracked per entry: refilling it costs one parse per template.
        if (_cache.Count >= _limits.CacheCapacity) _cache.Clear();
        return _cache.GetOrAdd(source, parsed);
    }

    private ParsedTemplate ParseUncached(string source)
    {
        if (TemplateShape.Check(source, _limits) is { } shapeError) return ParsedTemplate.Invalid(shapeError);
        if (!_parser.TryParse(source, out var template, out var error))
            return ParsedTemplate.Invalid(FirstLine(error) ?? "The template is not valid Liquid.");
        var sandboxed = SandboxRewriter.Apply(template);
        return new ParsedTemplate(sandboxed, null, TemplateVariableCollector.Collect(sandboxed));
    }

    // Fluid appends the source text after the position; the position is what a user needs.
    private static string? FirstLine(string? error) =>
        string.IsNullOrWhiteSpace(error) ? null : error.Split('\n', 2)[0].TrimEnd('\r', ' ');

    private sealed record ParsedTemplate(IFluidTemplate? Template, string? Error, IReadOnlyCollection<string> Variables)
    {
        public static ParsedTemplate Invalid(string error) => new(null, error, []);
    }
}
