using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// One SMTP connection reused across messages. Connects lazily, reconnects when the connection dropped between
/// messages, and classifies every failure by whether the message data may have reached the relay.
/// </summary>
internal sealed class SmtpSession(SmtpOptions options, ILogger logger) : IMailSession
{
    private SmtpClient? _client;
    private bool _disposed;

    public async Task<SendResult> SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A reused connection may have been closed by the relay since the last message (idle timeout, restart);
        // that only shows when we use it, and nothing of this message has left yet, so one retry on a fresh
        // connection is safe.
        for (var attempt = 1; ; attempt++)
        {
            var reused = _client is { IsConnected: true };
            if (!reused && await ConnectAsync(ct) is { } connectFailure) return connectFailure;

            var progress = new DataProgress();
            try
            {
                // MailKit's per-read/write Timeout catches a silent relay; this backstop bounds the whole send.
                using var timeout = Timeout(ct, options.Timeout * 4);
                await _client!.SendAsync(message, timeout.Token, progress);
                return SendResult.Sent(250);
            }
            catch (SmtpCommandException ex) when (reused && attempt == 1 && !progress.DataStarted && ClosesSession(ex.StatusCode))
            {
                // A reused connection the relay had already given up on (idle timeout: "421 timeout", "221 closing"):
                // nothing of this message was accepted, so it goes out at once on a fresh connection, not in a minute.
                logger.LogDebug(ex, "SMTP relay {Host} closed the reused session ({Status}); reconnecting", options.Host, (int)ex.StatusCode);
                await DropAsync();
            }
            catch (SmtpCommandException ex)
            {
                // The relay answered: the connection is still usable (MailKit resets the transaction).
                return SendResult.FromReply((int)ex.StatusCode, ex.Message);
            }
            catch (NotSupportedException ex)
            {
                // E.g. an internationalised address the relay cannot take (no SMTPUTF8): retrying cannot help.
                return SendResult.Permanent(ex.Message);
            }
            catch (Exception ex) when (IsConnectionFailure(ex, ct))
            {
                await DropAsync();
                if (progress.DataStarted)
                {
                    logger.LogWarning(ex, "SMTP connection to {Host} lost after the data of {MessageId} was sent; outcome unknown", options.Host, message.MessageId);
                    return SendResult.Unknown($"Connection lost after the message data was sent: {ex.Message}");
                }
                if (reused && attempt == 1)
                {
                    logger.LogDebug(ex, "Reused SMTP connection to {Host} was closed; reconnecting", options.Host);
                    continue;
                }
                return SendResult.Transient($"Connection failed before the message was sent: {ex.Message}");
            }
        }
    }

    /// <returns>null when connected, else the failure to report for the message.</returns>
    private async Task<SendResult?> ConnectAsync(CancellationToken ct)
    {
        await DropAsync();
        var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        Socket? socket = null;
        try
        {
            using var timeout = Timeout(ct, options.Timeout);
            socket = await SmtpTransport.ConnectSocketAsync(options.Host, options.EffectivePort, timeout.Token);
            await client.ConnectAsync(socket, options.Host, options.EffectivePort, SmtpTransport.SocketOptions(options.Security), timeout.Token);
            if (!string.IsNullOrEmpty(options.Username))
                await client.AuthenticateAsync(options.Username, options.Password ?? string.Empty, timeout.Token);
            _client = client;
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not ObjectDisposedException)
        {
            client.Dispose();
            socket?.Dispose();
            logger.LogWarning(ex, "Could not connect to SMTP relay {Host}:{Port}", options.Host, options.EffectivePort);
            // Nothing about this message was rejected, so even a refused login is worth retrying later.
            var status = ex is SmtpCommandException command ? (int)command.StatusCode : (int?)null;
            return new SendResult(SendOutcome.TransientFailure, status, $"Could not connect to {options.Host}:{options.EffectivePort}: {ex.Message}");
        }
        catch
        {
            client.Dispose();
            socket?.Dispose();
            throw;
        }
    }

    private static bool ClosesSession(SmtpStatusCode status) =>
        status is SmtpStatusCode.ServiceClosingTransmissionChannel or SmtpStatusCode.ServiceNotAvailable;

    /// <summary>Failures that mean the connection is gone (or unusable), not that the relay refused the message.</summary>
    private static bool IsConnectionFailure(Exception ex, CancellationToken ct) => ex switch
    {
        // Our own timeout fired, not the caller's cancellation: the relay went silent.
        OperationCanceledException => !ct.IsCancellationRequested,
        IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException => true,
        _ => false,
    };

    private static CancellationTokenSource Timeout(CancellationToken ct, TimeSpan after)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(after);
        return cts;
    }

    private async Task DropAsync()
    {
        if (_client is null) return;
        var client = _client;
        _client = null;
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(quit: false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Already broken: there is nothing left to close politely.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_client is { IsConnected: true } client)
        {
            try
            {
                // QUIT politely, but never let a slow relay hold up the worker that is finishing.
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, quit.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or SmtpProtocolException or SmtpCommandException)
            {
                logger.LogDebug(ex, "SMTP QUIT to {Host} failed", options.Host);
            }
        }
        _client?.Dispose();
        _client = null;
    }

    /// <summary>Notes whether MailKit began writing the message data: from then on a lost connection leaves the outcome unknown.</summary>
    private sealed class DataProgress : ITransferProgress
    {
        public bool DataStarted { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => DataStarted |= bytesTransferred > 0;

        public void Report(long bytesTransferred) => DataStarted |= bytesTransferred > 0;
    }
}
