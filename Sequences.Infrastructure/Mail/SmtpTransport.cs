using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sequences.Infrastructure.Mail;

/// <summary>Sends through an SMTP relay with MailKit; each session keeps one connection open for many messages.</summary>
public sealed class SmtpTransport : IMailTransport
{
    private readonly SmtpOptions _options;
    private readonly ILogger _logger;

    public SmtpTransport(MailOptions options, ILogger<SmtpTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Smtp.Host, "Email:Smtp:Host");
        if (options.Smtp.Timeout <= TimeSpan.Zero) throw new ArgumentException("Email:Smtp:Timeout must be positive.", nameof(options));
        _options = options.Smtp;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task<IMailSession> OpenAsync(CancellationToken ct) =>
        Task.FromResult<IMailSession>(new SmtpSession(_options, _logger));

    internal static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Ssl => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };

    /// <summary>Opens a TCP connection with Nagle off: SMTP is a ping-pong of small writes, and Nagle plus delayed ACK caps it at ~20 mails/s.</summary>
    internal static async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
