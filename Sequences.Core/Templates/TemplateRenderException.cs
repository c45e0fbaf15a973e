namespace Sequences.Core.Templates;

/// <summary>
/// A template could not be rendered: it does not parse or it broke a sandbox limit. Missing
/// variables never cause this; they render empty.
/// </summary>
public sealed class TemplateRenderException(string message, Exception? inner = null) : Exception(message, inner);
