using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Sequences.Infrastructure.Mail;

namespace Sequences.Tests.Mail;

public sealed class PickupTransportTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sequences-pickup-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(Now);

    private PickupTransport Transport() => new(new MailOptions { PickupDirectory = Path.Combine(_dir, "outbox") }, _clock);

    [Fact]
    public async Task Writes_complete_eml_files_that_parse_back_and_leaves_no_temp_files()
    {
        var transport = Transport();
        await using (var session = await transport.OpenAsync(CancellationToken.None))
        {
            for (var i = 1; i <= 3; i++)
            {
                var result = await session.SendAsync(MailSamples.Message(i), CancellationToken.None);
                result.Outcome.Should().Be(SendOutcome.Sent);
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var files = Directory.GetFiles(transport.Directory, "*", SearchOption.AllDirectories).Order().ToArray();
        files.Should().HaveCount(3).And.OnlyContain(f => f.EndsWith(".eml"));
        for (var i = 1; i <= 3; i++)
        {
            var expectedId = MessageIds.Bare(MailSamples.Email(i).MessageId);
            Path.GetFileName(files[i - 1]).Should().Be($"20250102-03040{4 + i}-{expectedId}.eml");
            var parsed = await MimeMessage.LoadAsync(files[i - 1]);
            parsed.MessageId.Should().Be(expectedId);
            parsed.To.Mailboxes.Single().Address.Should().Be($"lead{i}@example.com");
            parsed.Headers[MimeMessageFactory.ListUnsubscribePost].Should().Be(MimeMessageFactory.OneClick);
            parsed.TextBody.Should().Contain("our pricing (https://example.com/pricing?a=1&b=2)");
            parsed.HtmlBody.Should().Be(MailSamples.Html);
        }
    }

    [Fact]
    public async Task Files_use_crlf_line_endings()
    {
        var transport = Transport();
        await using var session = await transport.OpenAsync(CancellationToken.None);
        await session.SendAsync(MailSamples.Message(), CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(Directory.GetFiles(transport.Directory).Single());
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        text.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\n");
    }

    [Fact]
    public async Task The_same_message_twice_in_one_second_never_overwrites()
    {
        var transport = Transport();
        await using var session = await transport.OpenAsync(CancellationToken.None);

        (await session.SendAsync(MailSamples.Message(), CancellationToken.None)).IsSent.Should().BeTrue();
        (await session.SendAsync(MailSamples.Message(), CancellationToken.None)).IsSent.Should().BeTrue();

        Directory.GetFiles(transport.Directory).Select(Path.GetFileName).Order()
            .Should().HaveCount(2).And.Contain(name => name!.EndsWith("-1.eml"));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_nothing_behind()
    {
        var transport = Transport();
        await using var session = await transport.OpenAsync(CancellationToken.None);

        var act = () => session.SendAsync(MailSamples.Message(), new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        Directory.GetFiles(transport.Directory).Should().BeEmpty();
    }

    [Fact]
    public async Task An_unwritable_directory_is_a_transient_failure()
    {
        Directory.CreateDirectory(_dir);
        var blocker = Path.Combine(_dir, "file-not-dir");
        await File.WriteAllTextAsync(blocker, "x");
        var transport = new PickupTransport(new MailOptions { PickupDirectory = blocker }, _clock);

        // The configured path is a file: the failure is reported per message, not thrown.
        await using var session = await transport.OpenAsync(CancellationToken.None);
        var result = await session.SendAsync(MailSamples.Message(), CancellationToken.None);

        result.Outcome.Should().Be(SendOutcome.TransientFailure);
        result.Error.Should().NotBeNullOrEmpty();
        Directory.GetFiles(_dir).Should().Equal(blocker);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
