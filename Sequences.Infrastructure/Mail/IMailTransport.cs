using MimeKit;

namespace Sequences.Infrastructure.Mail;

/// <summary>Where mail goes. A transport is a long-lived singleton; sessions are short-lived and not shared.</summary>
public interface IMailTransport
{
    /// <summary>
    /// Opens a session. It does not fail for network reasons: connecting happens on the first send, so an unreachable
    /// relay is reported per message as a <see cref="SendOutcome.TransientFailure"/>.
    /// </summary>
    Task<IMailSession> OpenAsync(CancellationToken ct);
}

/// <summary>
/// One connection's worth of sending (for SMTP: one reused connection for many messages). Not thread-safe: give each
/// worker its own session.
/// </summary>
public interface IMailSession : IAsyncDisposable
{
    /// <summary>
    /// Sends one message and classifies the result; relay and I/O failures come back as results, not exceptions.
    /// Cancellation throws <see cref="OperationCanceledException"/>: treat it like a crash (the message stays
    /// <c>sending</c> and its lease decides), since the data may already have left.
    /// </summary>
    Task<SendResult> SendAsync(MimeMessage message, CancellationToken ct);
}
