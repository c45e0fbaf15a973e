using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Mail options ("Email"), the transport chosen by <c>Email:Transport</c>, the MIME factory, and tracking tokens
    /// and URLs ("Tracking"). Tracking needs <c>AppSettingsStore</c> when <c>Tracking:SigningKey</c> is empty.
    /// </summary>
    public static IServiceCollection AddSequencesMail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.UnsubscribeMailto) || Core.Leads.EmailAddresses.IsValid(o.UnsubscribeMailto.Trim()),
                "Email:UnsubscribeMailto must be an email address.")
            .ValidateOnStart();
        services.AddOptions<TrackingOptions>().Bind(configuration.GetSection(TrackingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<MimeMessageFactory>();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MailOptions>>().Value;
            return options.Transport switch
            {
                MailTransportKind.Smtp => new SmtpTransport(options, sp.GetService<ILogger<SmtpTransport>>()),
                _ => new PickupTransport(options, sp.GetRequiredService<TimeProvider>()),
            };
        });

        services.AddSingleton<MailRelays>();

        services.AddSingleton<ISigningKeySource, SigningKeyProvider>();
        services.AddSingleton<TrackingTokens>();
        services.AddSingleton<TrackingUrls>();
        return services;
    }
}
