using System.Text;
using MimeKit;

namespace Sequences.Infrastructure.Mail;

/// <summary>
/// Writes each message as an .eml file into a pickup directory (the default: no relay needed, /outbox lists them).
/// A file appears under its final name only once it is complete, so a reader or a crash never sees half a message.
/// </summary>
public sealed class PickupTransport : IMailTransport
{
    public const string Extension = ".eml";
    private const string TempExtension = ".tmp";

    private readonly TimeProvider _clock;

    public PickupTransport(MailOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PickupDirectory, "Email:PickupDirectory");
        Directory = Path.GetFullPath(options.PickupDirectory);
        _clock = clock;
    }

    public string Directory { get; }

    public Task<IMailSession> OpenAsync(CancellationToken ct) => Task.FromResult<IMailSession>(new Session(this));

    /// <summary>File name of a message written at <paramref name="at"/>: sortable by time, recognisable by Message-ID.</summary>
    public static string FileNameFor(DateTimeOffset at, string? messageId) =>
        $"{at.UtcDateTime:yyyyMMdd-HHmmss}-{Sanitise(messageId)}";

    private static string Sanitise(string? messageId)
    {
        var builder = new StringBuilder();
        foreach (var c in MessageIds.Bare(messageId ?? string.Empty))
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' ? c : '_');
        var clean = builder.ToString().Trim('.');
        if (clean.Length > 150) clean = clean[..150];
        return clean.Length == 0 ? "message" : clean;
    }

    private async Task<SendResult> WriteAsync(MimeMessage message, CancellationToken ct)
    {
        var baseName = FileNameFor(_clock.GetUtcNow(), message.MessageId);
        // Dot-prefixed and not .eml, so the outbox listing never shows a file still being written.
        var temp = Path.Combine(Directory, $".{baseName}.{Guid.NewGuid():N}{TempExtension}");
        try
        {
            // Per message, so a missing or broken directory is reported like any other failed send.
            System.IO.Directory.CreateDirectory(Directory);
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024, FileOptions.Asynchronous))
            {
                var format = FormatOptions.Default.Clone();
                format.NewLineFormat = NewLineFormat.Dos;
                await message.WriteToAsync(format, stream, ct);
                await stream.FlushAsync(ct);
                // The rename below must not become visible before the data is durable.
                stream.Flush(flushToDisk: true);
            }
            MoveIntoPlace(temp, baseName);
            return SendResult.Sent();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return SendResult.Transient($"Could not write to the pickup directory: {ex.Message}");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private void MoveIntoPlace(string temp, string baseName)
    {
        // Never overwrite: a name taken in the same second by a deliberate re-send gets a suffix instead.
        for (var attempt = 0; ; attempt++)
        {
            var target = Path.Combine(Directory, (attempt == 0 ? baseName : $"{baseName}-{attempt}") + Extension);
            if (File.Exists(target) && attempt < 100) continue;
            try
            {
                File.Move(temp, target, overwrite: false);
                return;
            }
            catch (IOException) when (File.Exists(target) && attempt < 100)
            {
                // Lost a race for this name with another writer: try the next one.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* the write already failed; that is what gets reported */ }
    }

    private sealed class Session(PickupTransport transport) : IMailSession
    {
        public Task<SendResult> SendAsync(MimeMessage message, CancellationToken ct)
        {
            ArgumentNullException.ThrowIfNull(message);
            return transport.WriteAsync(message, ct);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
