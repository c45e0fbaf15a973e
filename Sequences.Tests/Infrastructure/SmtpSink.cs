using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using ServerResponse = SmtpServer.Protocol.SmtpResponse;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace Sequences.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (SmtpServer 11) on a free loopback port that keeps every message it accepts, parsed.
/// Its behaviour is scriptable: fail the next n messages with a code, fail all, or stall after k messages
/// (hold the DATA reply until released or disposed) so a crash can be made to land mid-pass.
/// Accepted sockets have Nagle off: otherwise every reply waits for the client's delayed ACK and the sink
/// answers ~22 mails/s, which measures Nagle rather than the product.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private readonly object _gate = new();
    private readonly List<MimeMessage> _messages = [];
    private readonly List<MimeMessage> _held = [];
    private readonly List<int> _rejections = [];
    private readonly List<TcpClient> _clients = [];
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServerHost _server;
    private readonly Task _running;
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _release = NewSignal();
    private int _failNextCode;
    private int _failNextTimes;
    private int? _alwaysFailCode;
    private int? _acceptBeforeStall;
    private bool _refusing;
    private int _refused;
    private int _sessions;
    private int _connections;
    private bool _disposed;
    private bool _closeNextSession;

    public SmtpSink()
    {
        // Bound before the server starts, so the port is known and connections queue until the first accept.
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;

        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServiceProvider();
        services.Add(new NoDelayListenerFactory(this));
        services.Add(new Store(this));
        services.Add(new SessionCloser(this));
        _server = new SmtpServerHost(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
        _running = _server.StartAsync(_stop.Token);
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>SMTP sessions the server started.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<MimeMessage> Messages { get { lock (_gate) return _messages.ToArray(); } }

    /// <summary>Messages whose data arrived while stalled and which got no reply (yet).</summary>
    public IReadOnlyList<MimeMessage> Held { get { lock (_gate) return _held.ToArray(); } }

    /// <summary>Reply codes sent instead of 250, in order.</summary>
    public IReadOnlyList<int> Rejections { get { lock (_gate) return _rejections.ToArray(); } }

    /// <summary>Answer the next <paramref name="times"/> messages with <paramref name="code"/> (e.g. 451), then accept again.</summary>
    public void FailNextWith(int code, int times = 1)
    {
        lock (_gate) { _failNextCode = code; _failNextTimes = times; }
    }

    /// <summary>Answer every message with <paramref name="code"/> (e.g. 550) until <see cref="Reset"/>.</summary>
    public void AlwaysFailWith(int code)
    {
        lock (_gate) _alwaysFailCode = code;
    }

    /// <summary>Answer the next MAIL FROM with 421 and close the session, as a relay whose idle timeout ran out does.</summary>
    public void CloseNextSessionWith421()
    {
        lock (_gate) _closeNextSession = true;
    }

    private bool TakeCloseNextSession()
    {
        lock (_gate)
        {
            var close = _closeNextSession;
            _closeNextSession = false;
            return close;
        }
    }

    /// <summary>Connections reset right after they were accepted, before the greeting (see <see cref="RefuseConnections"/>).</summary>
    public int RefusedConnections => Volatile.Read(ref _refused);

    /// <summary>Reset every new connection before the greeting, as a relay that is down would, until <see cref="AcceptConnections"/>.</summary>
    public void RefuseConnections()
    {
        lock (_gate) _refusing = true;
    }

    public void AcceptConnections()
    {
        lock (_gate) _refusing = false;
    }

    private bool Refusing { get { lock (_gate) return _refusing; } }

    /// <summary>Accept <paramref name="accepted"/> more messages, then hold the reply to every later DATA until <see cref="ReleaseStalled"/> or disposal.</summary>
    public void StallAfter(int accepted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(accepted);
        lock (_gate) _acceptBeforeStall = accepted;
    }

    /// <summary>Accepts the held messages (250) and stops stalling.</summary>
    public void ReleaseStalled()
    {
        TaskCompletionSource release;
        lock (_gate)
        {
            _acceptBeforeStall = null;
            release = _release;
            _release = NewSignal();
        }
        release.TrySetResult();
    }

    public void Reset()
    {
        lock (_gate)
        {
            _failNextTimes = 0;
            _alwaysFailCode = null;
            _refusing = false;
        }
        ReleaseStalled();
    }

    /// <summary>Closes every accepted connection without a reply, as a crashed or restarted relay would.</summary>
    public void DropConnections()
    {
        TcpClient[] clients;
        lock (_gate)
        {
            clients = _clients.ToArray();
            _clients.Clear();
        }
        foreach (var client in clients)
        {
            try
            {
                // RST rather than FIN: the peer sees the connection die, not a polite close.
                if (client.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
                client.Close();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // Closed already by its session.
            }
        }
    }

    public Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null) =>
        WaitAsync(() => _messages.Count >= count ? _messages.ToArray() : null, $"{count} messages", timeout);

    /// <summary>Completes with the first message that matches, once it has arrived.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null) =>
        (await WaitAsync(() => _messages.FirstOrDefault(match) is { } found ? [found] : null, "a matching message", timeout))[0];

    /// <summary>Completes once a DATA reply is being held.</summary>
    public Task WaitForStallAsync(TimeSpan? timeout = null) =>
        WaitAsync(() => _held.Count > 0 ? _held.ToArray() : null, "a stalled message", timeout);

    private async Task<IReadOnlyList<MimeMessage>> WaitAsync(Func<IReadOnlyList<MimeMessage>?> ready, string what, TimeSpan? timeout)
    {
        var limit = timeout ?? DefaultWait;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (ready() is { } result) return result;
                changed = _changed.Task;
            }
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"SmtpSink: waited {limit} for {what}; have {Messages.Count} messages, {Held.Count} held.");
            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Loop once more so the message says what was there.
            }
        }
    }

    private async Task<ServerResponse> SaveAsync(ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        var message = await MimeMessage.LoadAsync(new MemoryStream(buffer.ToArray()), ct);
        int? failWith = null;
        var stall = false;
        Task release = Task.CompletedTask;
        lock (_gate)
        {
            if (_failNextTimes > 0) { _failNextTimes--; failWith = _failNextCode; }
            else if (_alwaysFailCode is { } always) failWith = always;
            else if (_acceptBeforeStall is { } left)
            {
                if (left > 0) _acceptBeforeStall = left - 1;
                else stall = true;
            }

            if (failWith is { } code) _rejections.Add(code);
            else if (stall) { _held.Add(message); release = _release.Task; }
            else _messages.Add(message);
            Changed();
        }

        if (failWith is { } reply) return new ServerResponse((SmtpReplyCode)reply, reply >= 500 ? "Rejected by the test sink" : "Try again later (test sink)");
        if (!stall) return ServerResponse.Ok;

        // Disposal cancels ct: the session then ends without ever replying, which is what a crash looks like.
        await release.WaitAsync(ct);
        lock (_gate)
        {
            _held.Remove(message);
            _messages.Add(message);
            Changed();
        }
        return ServerResponse.Ok;
    }

    private void Changed()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Accepted(TcpClient client)
    {
        Interlocked.Increment(ref _connections);
        lock (_gate) _clients.Add(client);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync();
        DropConnections();
        _listener.Stop();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or SocketException or ObjectDisposedException)
        {
            // Stopping is all that matters here.
        }
        _stop.Dispose();
    }

    private sealed class Store(SmtpSink sink) : IMessageStore
    {
        public Task<ServerResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken) =>
            sink.SaveAsync(buffer, cancellationToken);
    }

    private sealed class SessionCloser(SmtpSink sink) : SmtpServer.Storage.IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, SmtpServer.Mail.IMailbox from, int size, CancellationToken cancellationToken) =>
            sink.TakeCloseNextSession()
                ? throw new SmtpServer.Protocol.SmtpResponseException(new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.ServiceUnavailable, "4.4.2 idle timeout, closing"), quit: true)
                : Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(true);
    }

    /// <summary>Registered with the server's service provider in place of its default listener factory.</summary>
    private sealed class NoDelayListenerFactory(SmtpSink sink) : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new NoDelayListener(sink);
    }

    private sealed class NoDelayListener(SmtpSink sink) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await sink._listener.AcceptTcpClientAsync(cancellationToken);
            while (sink.Refusing)
            {
                // RST before any byte: the client sees the relay refuse it.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
                Interlocked.Increment(ref sink._refused);
                client = await sink._listener.AcceptTcpClientAsync(cancellationToken);
            }
            client.NoDelay = true;
            context.Properties[EndpointListener.LocalEndPointKey] = sink._listener.LocalEndpoint;
            context.Properties[EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
            sink.Accepted(client);
            return new StreamPipe(client);
        }

        // The sink owns the TCP listener and stops it on disposal.
        public void Dispose() { }
    }

    /// <summary>A plain duplex pipe over the accepted socket; the sink offers no STARTTLS, so it is never upgraded.</summary>
    private sealed class StreamPipe : ISecurableDuplexPipe
    {
        private readonly TcpClient _client;

        public StreamPipe(TcpClient client)
        {
            _client = client;
            var stream = client.GetStream();
            Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        }

        public PipeReader Input { get; }

        public PipeWriter Output { get; }

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The test sink does not offer TLS.");

        public void Dispose()
        {
            try
            {
                Input.Complete();
                Output.Complete();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
            {
                // The peer or DropConnections closed the socket first.
            }
            _client.Dispose();
        }
    }
}
