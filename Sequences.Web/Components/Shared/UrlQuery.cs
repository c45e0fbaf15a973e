using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using Sequences.Core.Common;

namespace Sequences.Web.Components.Shared;

/// <summary>
/// A list page keeps its search, page and filters in the address, so reloading it, coming back to it with the
/// browser's Back button or sending the link shows the same rows. Changes replace the current history entry:
/// Back leaves the page rather than stepping through every keystroke of a search.
/// </summary>
public static class UrlQuery
{
    public static string? Get(this NavigationManager navigation, string name) =>
        QueryHelpers.ParseQuery(navigation.ToAbsoluteUri(navigation.Uri).Query).TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0])
            ? NulText.Strip(values[0])
            : null;

    /// <summary>Sets (or, with null, removes) these parameters and keeps the others.</summary>
    public static void Replace(this NavigationManager navigation, IReadOnlyDictionary<string, object?> values)
    {
        var uri = navigation.GetUriWithQueryParameters(values);
        if (uri != navigation.Uri) navigation.NavigateTo(uri, replace: true);
    }
}
