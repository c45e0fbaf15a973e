using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using ServerResponse = SmtpServer.Protocol.SmtpResponse;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace Sequences.Bench;

/// <summary>
/// A real SMTP server (SmtpServer package) on a loopback port that only counts what it accepts: it shares the
/// bench's process and memory, so it must not keep or parse messages. Accepted sockets have Nagle off; with it,
/// every reply waits for the client's delayed ACK and the sink answers ~22 mails/s (STACK-NOTES).
/// </summary>
public sealed class BenchSink : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private long _accepted;
    private long _bytes;

    public BenchSink()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("bench.sink")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServiceProvider();
        services.Add(new NoDelayListenerFactory(this));
        services.Add(new CountingStore(this));
        _running = new SmtpServerHost(options, services).StartAsync(_stop.Token);
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _bytes, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or SocketException or ObjectDisposedException)
        {
            // Stopping is all that matters.
        }
        _stop.Dispose();
    }

    private sealed class CountingStore(BenchSink sink) : IMessageStore
    {
        public Task<ServerResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref sink._accepted);
            Interlocked.Add(ref sink._bytes, buffer.Length);
            return Task.FromResult(ServerResponse.Ok);
        }
    }

    private sealed class NoDelayListenerFactory(BenchSink sink) : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new NoDelayListener(sink);
    }

    private sealed class NoDelayListener(BenchSink sink) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await sink._listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            context.Properties[EndpointListener.LocalEndPointKey] = sink._listener.LocalEndpoint;
            context.Properties[EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
            return new StreamPipe(client);
        }

        // The sink owns the TCP listener and stops it on disposal.
        public void Dispose() { }
    }

    /// <summary>A plain duplex pipe over the accepted socket; no STARTTLS on loopback.</summary>
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
            throw new NotSupportedException("The bench sink does not offer TLS.");

        public void Dispose()
        {
            try
            {
                Input.Complete();
                Output.Complete();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // The peer closed the socket first.
            }
            _client.Dispose();
        }
    }
}
