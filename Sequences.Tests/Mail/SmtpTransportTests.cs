using System.Net;
using System.Net.Sockets;
using Sequences.Infrastructure.Mail;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Mail;

public sealed class SmtpTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly SmtpSink _sink = new();

    private SmtpTransport Transport(int? port = null) => new(new MailOptions
    {
        Transport = MailTransportKind.Smtp,
        Smtp = new SmtpOptions { Host = _sink.Host, Port = port ?? _sink.Port, Security = SmtpSecurity.None },
    });

    [Fact]
    public async Task Twenty_messages_go_over_one_connection_with_headers_intact()
    {
        await using (var session = await Transport().OpenAsync(CancellationToken.None))
        {
            for (var i = 1; i <= 20; i++)
            {
                var result = await session.SendAsync(MailSamples.Message(i), CancellationToken.None);
                result.Should().Be(SendResult.Sent(250), $"message {i}");
            }
        }

        var received = await _sink.WaitForMessagesAsync(20, Wait);
        _sink.Sessions.Should().Be(1);
        _sink.Connections.Should().Be(1);
        received.Select(m => m.To.Mailboxes.Single().Address)
            .Should().Equal(Enumerable.Range(1, 20).Select(i => $"lead{i}@example.com"));
        for (var i = 1; i <= 20; i++)
        {
            var message = received[i - 1];
            message.MessageId.Should().Be(MessageIds.Bare(MailSamples.Email(i).MessageId));
            message.Subject.Should().Be($"Hello {i} — ünïcode");
            message.Headers[MimeMessageFactory.ListUnsubscribe].Should().Contain($"<https://app.test/u/token-{i}>").And.Contain("<mailto:unsubscribe@sender.example>");
            message.Headers[MimeMessageFactory.ListUnsubscribePost].Should().Be(MimeMessageFactory.OneClick);
            message.Headers["X-Sequences-Lead"].Should().Be($"lead-{i}");
            message.HtmlBody.Should().Be(MailSamples.Html);
            message.TextBody.Should().Contain("Tom & Jerry said hello.");
        }
    }

    [Fact]
    public async Task A_4xx_reply_is_transient_and_the_retry_is_sent_on_the_same_connection()
    {
        _sink.FailNextWith(451, times: 1);
        await using var session = await Transport().OpenAsync(CancellationToken.None);

        var first = await session.SendAsync(MailSamples.Message(), CancellationToken.None);
        var second = await session.SendAsync(MailSamples.Message(), CancellationToken.None);

        first.Outcome.Should().Be(SendOutcome.TransientFailure);
        first.StatusCode.Should().Be(451);
        first.Error.Should().NotBeNullOrEmpty();
        second.Outcome.Should().Be(SendOutcome.Sent);
        (await _sink.WaitForMessagesAsync(1, Wait)).Should().ContainSingle();
        _sink.Rejections.Should().Equal(451);
        _sink.Connections.Should().Be(1);
    }

    [Fact]
    public async Task A_5xx_reply_is_permanent()
    {
        _sink.AlwaysFailWith(550);
        await using var session = await Transport().OpenAsync(CancellationToken.None);

        var result = await session.SendAsync(MailSamples.Message(), CancellationToken.None);

        result.Outcome.Should().Be(SendOutcome.PermanentFailure);
        result.StatusCode.Should().Be(550);
        _sink.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        await using var session = await Transport(port: ClosedPort()).OpenAsync(CancellationToken.None);

        var result = await session.SendAsync(MailSamples.Message(), CancellationToken.None);

        result.Outcome.Should().Be(SendOutcome.TransientFailure);
        result.StatusCode.Should().BeNull();
        result.Error.Should().Contain("Could not connect");
    }

    [Fact]
    public async Task A_connection_lost_after_the_data_was_sent_is_unknown()
    {
        _sink.StallAfter(1);
        await using var session = await Transport().OpenAsync(CancellationToken.None);
        (await session.SendAsync(MailSamples.Message(1), CancellationToken.None)).IsSent.Should().BeTrue();

        var pending = session.SendAsync(MailSamples.Message(2), CancellationToken.None);
        await _sink.WaitForStallAsync(Wait);
        pending.IsCompleted.Should().BeFalse("the sink holds the reply to DATA");
        _sink.DropConnections();
        var result = await pending.WaitAsync(Wait);

        result.Outcome.Should().Be(SendOutcome.Unknown);
        result.Error.Should().NotBeNullOrEmpty();
        _sink.Held.Should().ContainSingle().Which.To.Mailboxes.Single().Address.Should().Be("lead2@example.com");
    }

    [Fact]
    public async Task A_stalled_reply_that_is_released_counts_as_sent()
    {
        _sink.StallAfter(0);
        await using var session = await Transport().OpenAsync(CancellationToken.None);

        var pending = session.SendAsync(MailSamples.Message(), CancellationToken.None);
        await _sink.WaitForStallAsync(Wait);
        _sink.ReleaseStalled();

        (await pending.WaitAsync(Wait)).IsSent.Should().BeTrue();
        (await _sink.WaitForMessagesAsync(1, Wait)).Should().ContainSingle();
    }

    [Fact]
    public async Task The_session_reconnects_when_the_connection_dropped_between_messages()
    {
        await using var session = await Transport().OpenAsync(CancellationToken.None);
        (await session.SendAsync(MailSamples.Message(1), CancellationToken.None)).IsSent.Should().BeTrue();

        _sink.DropConnections();
        var second = await session.SendAsync(MailSamples.Message(2), CancellationToken.None);

        second.Outcome.Should().Be(SendOutcome.Sent);
        (await _sink.WaitForMessagesAsync(2, Wait)).Should().HaveCount(2);
        _sink.Connections.Should().Be(2);
    }

    [Fact]
    public async Task A_reused_session_the_relay_closes_with_421_is_sent_at_once_on_a_new_connection()
    {
        await using var session = await Transport().OpenAsync(CancellationToken.None);
        (await session.SendAsync(MailSamples.Message(1), CancellationToken.None)).IsSent.Should().BeTrue();

        _sink.CloseNextSessionWith421();
        var second = await session.SendAsync(MailSamples.Message(2), CancellationToken.None);

        second.Outcome.Should().Be(SendOutcome.Sent, "nothing of it was accepted, so it need not wait a minute for a retry");
        (await _sink.WaitForMessagesAsync(2, Wait)).Should().HaveCount(2);
        _sink.Connections.Should().Be(2);
    }

    [Fact]
    public async Task Opening_a_session_does_not_connect()
    {
        await using (await Transport().OpenAsync(CancellationToken.None)) { }

        _sink.Connections.Should().Be(0);
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sink.DisposeAsync();
}
