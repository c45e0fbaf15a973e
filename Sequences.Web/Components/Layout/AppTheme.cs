using MudBlazor;

namespace Sequences.Web.Components.Layout;

public static class AppTheme
{
    // Roboto would come from Google Fonts, which self-hosted and offline installs cannot reach.
    private static readonly string[] SystemFonts =
        ["system-ui", "-apple-system", "Segoe UI", "Helvetica Neue", "Arial", "Noto Sans", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
        },
    };
}
