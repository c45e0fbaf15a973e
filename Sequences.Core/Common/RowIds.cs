using System.Security.Cryptography;

namespace Sequences.Core.Common;

/// <summary>
/// New primary keys, time-ordered (UUID version 7; text and uuid order follow creation time). Rows created together
/// (an import's leads, a bulk enrollment's states, a pass's messages, log and events) sit together in every index
/// keyed by them, and a queue pass takes them in roughly that order: its writes touch a few index pages per chunk
/// instead of a random page per row, on SQLite inside the single write lock.
/// </summary>
public static class RowIds
{
    private const int RandomBytes = 10; // 16 bytes less the 48-bit timestamp
    private const int IdsPerRefill = 256;

    // Guid.CreateVersion7 asks the OS for its 10 random bytes on every call: on Linux a read of /dev/urandom, a system
    // call per id. A mail takes about ten ids (its rows, and the entities EF builds, whose initialisers make one), and
    // those calls were ~2% of a queue pass's CPU. The bytes still come from the cryptographic generator, fetched for
    // many ids at a time.
    [ThreadStatic] private static byte[]? _random;
    [ThreadStatic] private static int _used;

    public static Guid New() => New(DateTimeOffset.UtcNow);

    /// <summary>A version 7 id for <paramref name="at"/> (RFC 9562: 48-bit Unix milliseconds, version, variant, 74
    /// random bits).</summary>
    public static Guid New(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        NextRandom().CopyTo(bytes[6..]);
        var milliseconds = at.ToUnixTimeMilliseconds();
        if (milliseconds < 0) throw new ArgumentOutOfRangeException(nameof(at), "A version 7 id cannot date from before 1970.");
        for (var i = 0; i < 6; i++) bytes[i] = (byte)(milliseconds >> (40 - 8 * i));
        bytes[6] = (byte)(0x70 | bytes[6] & 0x0F);
        bytes[8] = (byte)(0x80 | bytes[8] & 0x3F);
        return new Guid(bytes, bigEndian: true);
    }

    private static ReadOnlySpan<byte> NextRandom()
    {
        var random = _random;
        if (random is null || _used == random.Length)
        {
            random = _random ??= new byte[RandomBytes * IdsPerRefill];
            RandomNumberGenerator.Fill(random);
            _used = 0;
        }
        var next = random.AsSpan(_used, RandomBytes);
        _used += RandomBytes;
        return next;
    }
}
