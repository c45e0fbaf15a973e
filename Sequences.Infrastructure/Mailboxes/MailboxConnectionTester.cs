using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sequences.Core.Common;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Replies;

namespace Sequences.Infrastructure.Mailboxes;

/// <summary>What one server said: <see cref="Ok"/> null when the mailbox does not use a server of its own there.</summary>
public sealed record ConnectionCheck(string Server, bool? Ok, string Message);

public sealed record MailboxConnectionReport(ConnectionCheck Smtp, ConnectionCheck Imap)
{
    public bool AllOk => Smtp.Ok != false && Imap.Ok != false;
}

/// <summary>
/// "Test connection" for the settings form: signs in to the SMTP and IMAP servers as typed, before they are saved,
/// so a wrong port or password shows at once instead of as failed sends the next morning.
/// </summary>
public sealed class MailboxConnectionTester(
    IDbContextFactory<SequencesDbContext> contexts, IOptions<MailOptions> mail, IOptions<ReplyOptions> replies, MailboxSecrets secrets)
{
    /// <param name="id">The stored mailbox being edited: empty password fields test with its stored passwords.</param>
    public async Task<MailboxConnectionReport> TestAsync(Guid? id, MailboxInput input, CancellationToken ct = default)
    {
        var issues = MailboxService.Validate(input);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        var mailbox = await MailboxFromAsync(id, input, ct);
        return new MailboxConnectionReport(await CheckSmtpAsync(mailbox, ct), await CheckImapAsync(mailbox, ct));
    }

    private async Task<ConnectionCheck> CheckSmtpAsync(Mailbox mailbox, CancellationToken ct)
    {
        if (MailboxConnections.Smtp(mailbox, mail.Value.Smtp.Timeout, secrets) is not { } smtp)
            return new ConnectionCheck("SMTP", null, mail.Value.Transport == MailTransportKind.Smtp
                ? $"No server of its own: sends through the app's relay {mail.Value.Smtp.Host}:{mail.Value.Smtp.EffectivePort}."
                : $"No server of its own: mail is written to the pickup folder ({mail.Value.PickupDirectory}).");
        var server = $"{smtp.Host}:{smtp.EffectivePort}";
        try
        {
            using var timeout = Deadline(smtp.Timeout, ct);
            using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
            await client.ConnectAsync(smtp.Host, smtp.EffectivePort, SmtpTransport.SocketOptions(smtp.Security), timeout.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return new ConnectionCheck("SMTP", true, string.IsNullOrEmpty(smtp.Username) ? $"Connected to {server}." : $"Connected to {server} and signed in as {smtp.Username}.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ConnectionCheck("SMTP", false, $"{server}: {Describe(e)}");
        }
    }

    private async Task<ConnectionCheck> CheckImapAsync(Mailbox mailbox, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(mailbox.ImapHost))
            return new ConnectionCheck("IMAP", null, "No IMAP server: replies arrive only through the inbound webhook.");
        var server = $"{mailbox.ImapHost}:{MailboxConnections.ImapPortOf(mailbox.ImapPort, mailbox.ImapSecurity)}";
        try
        {
            var timeout = replies.Value.Timeout;
            using var deadline = Deadline(timeout, ct);
            using var client = await MailboxConnections.ConnectImapAsync(mailbox, timeout, secrets, deadline.Token);
            await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, deadline.Token);
            var count = client.Inbox.Count;
            await client.DisconnectAsync(quit: true, deadline.Token);
            return new ConnectionCheck("IMAP", true, $"Connected to {server}; the inbox holds {count} message(s).");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ConnectionCheck("IMAP", false, $"{server}: {Describe(e)}");
        }
    }

    private async Task<Mailbox> MailboxFromAsync(Guid? id, MailboxInput input, CancellationToken ct)
    {
        Mailbox? stored = null;
        if (id is { } existing)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            stored = await db.Mailboxes.AsNoTracking().FirstOrDefaultAsync(m => m.Id == existing, ct) ?? throw new NotFoundException("Mailbox", existing);
        }
        return new Mailbox
        {
            FromAddress = input.FromAddress!.Trim(),
            SmtpHost = input.SmtpHost?.Trim(), SmtpPort = input.SmtpPort, SmtpSecurity = input.SmtpSecurity, SmtpUsername = input.SmtpUsername?.Trim(),
            // Typed passwords are held like stored ones, so both are read back the same way.
            SmtpPassword = string.IsNullOrEmpty(input.SmtpPassword) ? stored?.SmtpPassword : secrets.Protect(input.SmtpPassword),
            ImapHost = input.ImapHost?.Trim(), ImapPort = input.ImapPort, ImapSecurity = input.ImapSecurity, ImapUsername = input.ImapUsername?.Trim(),
            ImapPassword = string.IsNullOrEmpty(input.ImapPassword) ? stored?.ImapPassword : secrets.Protect(input.ImapPassword),
        };
    }

    private static CancellationTokenSource Deadline(TimeSpan after, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(after);
        return cts;
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "no answer in time.",
        MailKit.Security.AuthenticationException => "the server refused the user name or password.",
        System.Net.Sockets.SocketException s => s.Message.TrimEnd('.') + ".",
        _ => e.Message,
    };
}
