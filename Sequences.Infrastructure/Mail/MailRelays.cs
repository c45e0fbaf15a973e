using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mailboxes;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// Chooses the relay for a sender: a mailbox that names its own SMTP server (the user's Google Workspace or
/// Microsoft 365 account, say) sends through it, so its mail leaves under that account's authentication and
/// reputation; every other mailbox, and a sequence owner without one, uses the configured transport.
/// </summary>
public sealed class MailRelays(IMailTransport transport, IOptions<MailOptions> options, MailboxSecrets secrets, ILogger<MailRelays> logger)
{
    public Task<IMailSession> OpenAsync(Mailbox? mailbox, CancellationToken ct) =>
        MailboxConnections.Smtp(mailbox, options.Value.Smtp.Timeout, secrets) is { } own
            ? Task.FromResult<IMailSession>(new SmtpSession(own, logger))
            : transport.OpenAsync(ct);
}

/// <summary>One open session per relay for a worker's lifetime: a batch whose senders use three relays keeps three connections.</summary>
internal sealed class RelaySessions(MailRelays relays) : IAsyncDisposable
{
    private readonly Dictionary<string, IMailSession> _sessions = [];

    public async Task<IMailSession> ForAsync(Mailbox? mailbox, CancellationToken ct)
    {
        var key = MailboxConnections.RelayKey(mailbox);
        if (!_sessions.TryGetValue(key, out var session))
            _sessions[key] = session = await relays.OpenAsync(mailbox, ct);
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values) await session.DisposeAsync();
        _sessions.Clear();
    }
}
