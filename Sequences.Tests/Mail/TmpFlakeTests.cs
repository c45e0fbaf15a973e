using System.Security.Cryptography;
using Sequences.Infrastructure.Tracking;
using Xunit.Abstractions;

namespace Sequences.Tests.Mail;

public sealed class TmpFlakeTests(ITestOutputHelper output)
{
    [Fact]
    public void Flake()
    {
        var tokens = new TrackingTokens(new StaticSigningKeySource(RandomNumberGenerator.GetBytes(32)));
        for (var n = 0; n < 20000; n++)
        {
            var payload = new TrackingPayload(TrackingKind.Click, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3);
            var token = tokens.Create(payload);
            for (var i = 0; i < token.Length; i++)
            {
                var chars = token.ToCharArray();
                chars[i] = chars[i] == 'A' ? 'B' : 'A';
                if (tokens.TryRead(new string(chars), out var p))
                {
                    output.WriteLine($"ACCEPTED pos {i}: {token} -> {new string(chars)} payload {p} orig {payload}");
                    Assert.Fail("accepted");
                }
            }
        }
    }
}
