using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Sequences.Infrastructure.Tracking;

/// <summary>What a token lets its bearer do. The values are part of the token format: never renumber.</summary>
public enum TrackingKind : byte
{
    Open = 1,
    Click = 2,
    Unsubscribe = 3,
}

/// <param name="LinkIndex">Which link of the message a click token stands for; always 0 for other kinds.</param>
public sealed record TrackingPayload(TrackingKind Kind, Guid TenantId, Guid OutboundMessageId, Guid LeadId, int LinkIndex = 0);

/// <summary>
/// Signed, URL-safe tokens for the public tracking endpoints. The payload is not secret (ids only) but cannot be
/// forged or altered: HMAC-SHA256 over a fixed binary layout, base64url without padding.
/// </summary>
public sealed class TrackingTokens(ISigningKeySource keys)
{
    public const int MaxTokenLength = 512;

    private const byte FormatVersion = 1;
    private const int PayloadLength = 1 + 1 + 16 + 16 + 16 + 4;
    private const int MacLength = 32;
    private const int TokenBytes = PayloadLength + MacLength;

    public string Create(TrackingPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!Enum.IsDefined(payload.Kind)) throw new ArgumentOutOfRangeException(nameof(payload), payload.Kind, "Unknown tracking kind.");
        if (payload.LinkIndex < 0 || (payload.Kind != TrackingKind.Click && payload.LinkIndex != 0))
            throw new ArgumentOutOfRangeException(nameof(payload), payload.LinkIndex, "Only click tokens carry a link index, and it is never negative.");

        Span<byte> bytes = stackalloc byte[TokenBytes];
        bytes[0] = FormatVersion;
        bytes[1] = (byte)payload.Kind;
        payload.TenantId.TryWriteBytes(bytes.Slice(2, 16));
        payload.OutboundMessageId.TryWriteBytes(bytes.Slice(18, 16));
        payload.LeadId.TryWriteBytes(bytes.Slice(34, 16));
        BinaryPrimitives.WriteInt32BigEndian(bytes.Slice(50, 4), payload.LinkIndex);
        HMACSHA256.HashData(keys.GetKey(), bytes[..PayloadLength], bytes[PayloadLength..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token of any kind. Never throws: anything but an intact token of this deployment is false.</summary>
    public bool TryRead(string? token, out TrackingPayload payload)
    {
        payload = null!;
        if (token is null || token.Length == 0 || token.Length > MaxTokenLength) return false;
        if (token.Length != Base64Url.GetEncodedLength(TokenBytes)) return false;

        foreach (var c in token)
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') return false;

        Span<byte> bytes = stackalloc byte[TokenBytes];
        if (!TryDecode(token, bytes)) return false;

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(keys.GetKey(), bytes[..PayloadLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes[PayloadLength..])) return false;

        if (bytes[0] != FormatVersion) return false;
        var kind = (TrackingKind)bytes[1];
        var linkIndex = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(50, 4));
        if (!Enum.IsDefined(kind) || linkIndex < 0 || (kind != TrackingKind.Click && linkIndex != 0)) return false;

        payload = new TrackingPayload(kind, new Guid(bytes.Slice(2, 16)), new Guid(bytes.Slice(18, 16)), new Guid(bytes.Slice(34, 16)), linkIndex);
        return true;
    }

    private static bool TryDecode(string token, Span<byte> bytes)
    {
        try
        {
            if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != TokenBytes) return false;
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws when the last character has stray spare bits.
            return false;
        }
        // Base64 leaves spare bits in the last character; requiring the canonical spelling keeps one token per payload.
        Span<char> canonical = stackalloc char[token.Length];
        return Base64Url.TryEncodeToChars(bytes, canonical, out var chars) && canonical[..chars].SequenceEqual(token);
    }

    /// <summary>Reads a token and also requires its kind, so an open token cannot unsubscribe and vice versa.</summary>
    public bool TryRead(string? token, TrackingKind expected, out TrackingPayload payload)
    {
        if (TryRead(token, out payload) && payload.Kind == expected) return true;
        payload = null!;
        return false;
    }
}
