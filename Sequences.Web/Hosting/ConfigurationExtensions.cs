using Microsoft.Extensions.Configuration.Json;

namespace Sequences.Web.Hosting;

public static class ConfigurationExtensions
{
    /// <summary>The one appsettings.json lives at the repository root and is copied beside the binaries.
    /// The content root's copy is read by default; when the host starts elsewhere (tests, a published
    /// folder run from another directory) the copy beside the binaries is the fallback, at lowest priority
    /// so environment variables still override every key.</summary>
    public static void AddRootAppSettings(this ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json"))) return;
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(besideBinaries)) return;
        var source = new JsonConfigurationSource { Path = besideBinaries, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }
}
