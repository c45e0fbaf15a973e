using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sequences.Core.Templates;

namespace Sequences.Core;

public static class DependencyInjection
{
    /// <summary>Core's pure services: the clock and the one template service (its parse cache is shared).</summary>
    public static IServiceCollection AddSequencesCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiquidTemplates>();
        return services;
    }
}
