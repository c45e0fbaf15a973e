using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Sequences.Tests.Web;

/// <summary>MudBlazor puts a field's test id on its &lt;input&gt; for some components and on a wrapper for others.</summary>
public static class MudInputs
{
    /// <summary>The &lt;input&gt; of the field with this test id.</summary>
    public static IElement FindInput<TComponent>(this IRenderedComponent<TComponent> rendered, string testId) where TComponent : IComponent =>
        InputOf(rendered.Find($"[data-testid={testId}]"));

    /// <summary>The element itself when it is the &lt;input&gt;, else the &lt;input&gt; inside it.</summary>
    public static IElement InputOf(IElement element) => element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
}
