using MailKit.Net.Imap;
using MailKit.Security;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mail;

namespace Sequences.Infrastructure.Mailboxes;

/// <summary>How to reach a mailbox's own servers: the one place that turns its stored settings into connections.</summary>
public static class MailboxConnections
{
    /// <summary>The mailbox's own SMTP relay, or null when it has none and the configured transport carries its mail.</summary>
    public static SmtpOptions? Smtp(Mailbox? mailbox, TimeSpan timeout, MailboxSecrets secrets) => mailbox?.SmtpHost is { Length: > 0 } host
        ? new SmtpOptions
        {
            Host = host.Trim(),
            Port = mailbox.SmtpPort ?? 0,
            Security = SmtpSecurityOf(mailbox.SmtpSecurity),
            Username = mailbox.SmtpUsername,
            Password = secrets.Reveal(mailbox.SmtpPassword),
            Timeout = timeout,
        }
        : null;

    /// <summary>Two mailboxes with the same server and login share a connection within a pass.</summary>
    public static string RelayKey(Mailbox? mailbox) => mailbox?.SmtpHost is { Length: > 0 } host
        ? $"{host.Trim().ToLowerInvariant()}:{mailbox.SmtpPort}:{mailbox.SmtpSecurity}:{mailbox.SmtpUsername}"
        : "";

    /// <summary>The port a mailbox's SMTP relay is reached on: its own, or the conventional one of its security.</summary>
    public static int SmtpPortOf(int? port, string? security) => port is > 0 ? port.Value : SmtpOptions.DefaultPort(SmtpSecurityOf(security));

    /// <summary>The port a mailbox's IMAP server is reached on: its own, or 993 for TLS on connect and 143 otherwise.</summary>
    public static int ImapPortOf(int? port, string? security) => port is > 0 ? port.Value : ImapSecurityOf(security) == SecureSocketOptions.SslOnConnect ? 993 : 143;

    public static SmtpSecurity SmtpSecurityOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "starttls" => SmtpSecurity.StartTls,
        "ssl" or "tls" => SmtpSecurity.Ssl,
        _ => SmtpSecurity.None,
    };

    public static SecureSocketOptions ImapSecurityOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => SecureSocketOptions.Auto,
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" or "tls" or "sslonconnect" => SecureSocketOptions.SslOnConnect,
        _ => throw new InvalidOperationException($"ImapSecurity '{value}' is not none, starttls or ssl."),
    };

    /// <summary>Connects to the mailbox's IMAP server and signs in; the caller owns the client.</summary>
    public static async Task<ImapClient> ConnectImapAsync(Mailbox mailbox, TimeSpan timeout, MailboxSecrets secrets, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = (int)timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(mailbox.ImapHost!, ImapPortOf(mailbox.ImapPort, mailbox.ImapSecurity), ImapSecurityOf(mailbox.ImapSecurity), ct);
            if (!string.IsNullOrEmpty(mailbox.ImapUsername))
                await client.AuthenticateAsync(mailbox.ImapUsername, secrets.Reveal(mailbox.ImapPassword) ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
