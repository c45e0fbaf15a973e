using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Settings;

namespace Sequences.Infrastructure.Tracking;

/// <summary>The HMAC key for tracking tokens.</summary>
public interface ISigningKeySource
{
    /// <summary>The key bytes; may block once, the first time, while the key is loaded.</summary>
    byte[] GetKey();

    ValueTask<byte[]> GetKeyAsync(CancellationToken ct = default);
}

/// <summary>A fixed key: for tests and tools.</summary>
public sealed class StaticSigningKeySource : ISigningKeySource
{
    private readonly byte[] _key;

    public StaticSigningKeySource(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < SigningKeys.MinimumLength) throw new ArgumentException($"A signing key needs at least {SigningKeys.MinimumLength} bytes.", nameof(key));
        _key = key.ToArray();
    }

    public byte[] GetKey() => _key;

    public ValueTask<byte[]> GetKeyAsync(CancellationToken ct = default) => ValueTask.FromResult(_key);
}

/// <summary>
/// <c>Tracking:SigningKey</c> when configured, else the key stored in the database (created on first use), so every
/// host of a deployment signs and checks with the same key. Loaded once and cached for the process lifetime.
/// </summary>
public sealed class SigningKeyProvider(IOptions<TrackingOptions> options, IServiceScopeFactory scopes) : ISigningKeySource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile byte[]? _key;

    public byte[] GetKey()
    {
        if (_key is { } key) return key;
        // Off the caller's context, so a synchronous first call cannot deadlock on it; later calls never get here.
        return Task.Run(() => GetKeyAsync().AsTask()).GetAwaiter().GetResult();
    }

    public async ValueTask<byte[]> GetKeyAsync(CancellationToken ct = default)
    {
        if (_key is { } key) return key;
        await _gate.WaitAsync(ct);
        try
        {
            // Not cached on failure: a database that was briefly unreachable must not disable tracking for good.
            return _key ??= SigningKeys.FromSetting(await LoadAsync(ct));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> LoadAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey)) return options.Value.SigningKey;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AppSettingsStore>();
        return await store.GetOrCreateAsync(AppSettingsStore.TrackingSigningKey, AppSettingsStore.NewSecret, ct);
    }
}

public static class SigningKeys
{
    public const int MinimumLength = 16;

    /// <summary>
    /// The stored key is base64 of random bytes; a configured key may be any passphrase. Both map to the same
    /// bytes on every host.
    /// </summary>
    public static byte[] FromSetting(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        var buffer = new byte[trimmed.Length];
        var bytes = Convert.TryFromBase64String(trimmed, buffer, out var written) && written >= MinimumLength
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(trimmed);
        if (bytes.Length < MinimumLength)
            throw new InvalidOperationException($"Tracking:SigningKey is too short: use at least {MinimumLength} bytes (e.g. base64 of 32 random bytes).");
        return bytes;
    }
}
