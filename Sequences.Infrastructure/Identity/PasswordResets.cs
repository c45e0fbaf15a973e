using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Infrastructure.Identity;

/// <summary>
/// "Forgot your password?": mails a one-time link to choose a new password. The answer never says whether an
/// address has an account. The link points at the app's configured public address, never at the Host a request
/// named, so a forged request cannot send someone a link to another site.
/// </summary>
public sealed class PasswordResets(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    MimeMessageFactory messages,
    IOptions<MailOptions> mail,
    TrackingUrls urls,
    PublicBaseUrl publicBaseUrl,
    TimeProvider clock,
    ILogger<PasswordResets> logger)
{
    /// <summary>How long a link works; it also stops working once used, as the password change renews the stamp.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(2);

    /// <summary>At most one mail per address in this time, so the form cannot flood someone's inbox.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMinutes(2);

    public const string Path = "/reset-password";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the form calls: the mail goes out in the background, so the answer takes as long for an address
    /// with an account as for one without, and its timing tells nothing either.</summary>
    public void Request(string email) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await RequestAsync(email);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A password reset for {Email} failed", email);
            }
        });

    /// <summary>Sends the link when <paramref name="email"/> is an active account; otherwise does nothing, silently.</summary>
    public async Task RequestAsync(string email, CancellationToken ct = default)
    {
        email = email.Trim();
        var now = clock.GetUtcNow();
        if (_lastSent.TryGetValue(email, out var last) && now - last < Spacing) return;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is not { DeactivatedAt: null, Email: { } address } user) return;
        _lastSent[email] = now;

        var token = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        var link = $"{urls.BaseUrl(publicBaseUrl.Value).TrimEnd('/')}{Path}?email={Uri.EscapeDataString(address)}&token={token}";
        var text = $"""
            Someone, hopefully you, asked to reset the password of {address} in Sequences.

            Choose a new password here (the link works once, for {LinkLifetime.TotalHours:0} hours):
            {link}

            If you did not ask, ignore this email: your password stays as it is.
            """;
        var html = $"""
            <p>Someone, hopefully you, asked to reset the password of {WebUtility.HtmlEncode(address)} in Sequences.</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Choose a new password</a> (the link works once, for {LinkLifetime.TotalHours:0} hours).</p>
            <p>If you did not ask, ignore this email: your password stays as it is.</p>
            """;
        var message = new OutgoingEmail(mail.Value.DefaultFrom, "Sequences", address, user.DisplayName, "Reset your Sequences password",
            html, text, $"password-reset-{Guid.NewGuid():N}");
        try
        {
            await using var session = await transport.OpenAsync(ct);
            using var mime = messages.Create(message);
            var result = await session.SendAsync(mime, ct);
            if (!result.IsSent) logger.LogWarning("The password reset mail to {Email} was not sent: {Error}", address, result.Error ?? result.Outcome.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The page answers the same either way; whoever runs the app sees why mail did not go out.
            logger.LogWarning(e, "The password reset mail to {Email} could not be sent", address);
        }
    }

    public const string InvalidLink = "This link has expired or was used already.";

    /// <summary>Whether the link still works, so that an old one is said to be so before anyone types a password.</summary>
    public async Task<bool> IsValidAsync(string email, string token)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.FindByEmailAsync(email.Trim()) is { DeactivatedAt: null } user && Decode(token) is { } decoded
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, decoded);
    }

    /// <summary>Sets the new password when the link is valid; a failed reset changes nothing.</summary>
    public async Task<IdentityResult> ResetAsync(string email, string token, string newPassword)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var invalid = IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = InvalidLink });
        if (await users.FindByEmailAsync(email.Trim()) is not { DeactivatedAt: null } user || Decode(token) is not { } decoded) return invalid;
        var result = await users.ResetPasswordAsync(user, decoded, newPassword);
        if (!result.Succeeded) return result.Errors.Any(e => e.Code == "InvalidToken") ? invalid : result;
        // Whoever proved they own the address may sign in now, even if guesses had locked the account.
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return result;
    }

    private static string? Decode(string token)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
