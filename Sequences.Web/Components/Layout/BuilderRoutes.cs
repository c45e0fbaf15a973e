using System.Text.RegularExpressions;

namespace Sequences.Web.Components.Layout;

/// <summary>The addresses of the sequence builder (<c>/sequences/new</c>, <c>/sequences/{id}/edit</c>).</summary>
public static partial class BuilderRoutes
{
    /// <param name="path">Relative to the app's base, as <c>NavigationManager.ToBaseRelativePath</c> gives it.</param>
    public static bool Contains(string path) => Pattern().IsMatch(path);

    [GeneratedRegex(@"^sequences/(new|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/edit)/?([?#].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
