using Sequences.Core.Common;

namespace Sequences.Web.Api;

/// <summary>The list query every list endpoint takes: <c>?page=1&amp;page_size=50&amp;q=</c>.</summary>
public static class Paging
{
    public static PageRequest Parse(HttpRequest request)
    {
        var issues = new List<ValidationIssue>();
        var page = ReadInt(request, "page", 1, 1, 1_000_000, issues);
        var size = ReadInt(request, "page_size", 50, 1, PageRequest.MaxPageSize, issues);
        var q = request.Query["q"].ToString();
        if (q.Length > 200) issues.Add(ValidationIssue.Error("q", "too_long", "q is longer than 200 characters."));
        if (issues.Count > 0) throw new InputRejectedException(issues);
        return new PageRequest(page, size, string.IsNullOrWhiteSpace(q) ? null : q);
    }

    /// <summary>A short list the service returns whole (a sequence's steps or versions), answered in the list shape
    /// every list endpoint has. <paramref name="text"/> is what <c>q</c> matches (case-insensitive); without it q is ignored.</summary>
    public static ListResponse<T> Slice<T>(IReadOnlyList<T> all, HttpRequest request, Func<T, string?>? text = null)
    {
        var page = Parse(request);
        var matching = page.Query is { } q && text is not null
            ? all.Where(item => text(item)?.Contains(q, StringComparison.OrdinalIgnoreCase) == true).ToList()
            : all;
        return new ListResponse<T>(matching.Skip(page.Skip).Take(page.PageSize).ToList(), matching.Count, page.Page, page.PageSize);
    }

    private static int ReadInt(HttpRequest request, string name, int fallback, int min, int max, List<ValidationIssue> issues)
    {
        var raw = request.Query[name].ToString();
        if (string.IsNullOrEmpty(raw)) return fallback;
        if (int.TryParse(raw, out var value) && value >= min && value <= max) return value;
        issues.Add(ValidationIssue.Error(name, "out_of_range", $"{name} must be a whole number from {min} to {max}."));
        return fallback;
    }
}
