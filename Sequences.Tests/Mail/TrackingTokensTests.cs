using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Tests.Mail;

public sealed class TrackingTokensTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly TrackingTokens _tokens = new(new StaticSigningKeySource(Key));

    private static TrackingPayload Payload(TrackingKind kind = TrackingKind.Click, int link = 3) =>
        new(kind, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), kind == TrackingKind.Click ? link : 0);

    [Theory]
    [InlineData(TrackingKind.Open)]
    [InlineData(TrackingKind.Click)]
    [InlineData(TrackingKind.Unsubscribe)]
    public void Tokens_round_trip_and_are_url_safe(TrackingKind kind)
    {
        var payload = Payload(kind);

        var token = _tokens.Create(payload);

        token.Should().MatchRegex("^[A-Za-z0-9_-]+$").And.HaveLength(115);
        _tokens.TryRead(token, out var read).Should().BeTrue();
        read.Should().Be(payload);
        _tokens.TryRead(token, kind, out var typed).Should().BeTrue();
        typed.Should().Be(payload);
    }

    [Fact]
    public void The_same_payload_gives_the_same_token()
    {
        var payload = Payload();

        _tokens.Create(payload).Should().Be(_tokens.Create(payload));
        _tokens.Create(payload).Should().NotBe(_tokens.Create(payload with { LinkIndex = 4 }));
    }

    [Fact]
    public void Every_single_character_change_is_rejected()
    {
        var token = _tokens.Create(Payload());

        for (var i = 0; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            _tokens.TryRead(new string(chars), out _).Should().BeFalse($"position {i} was changed");
        }
    }

    [Fact]
    public void Only_the_canonical_last_character_is_accepted()
    {
        // The last base64 character carries spare bits: other spellings decode to the same bytes, or make the
        // decoder throw; neither may get through.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var token = _tokens.Create(Payload());

        alphabet.Where(c => _tokens.TryRead(token[..^1] + c, out _)).Should().Equal(token[^1]);
    }

    [Fact]
    public void Truncated_and_extended_tokens_are_rejected()
    {
        var token = _tokens.Create(Payload());

        _tokens.TryRead(token[..^1], out _).Should().BeFalse();
        _tokens.TryRead(token[..(token.Length / 2)], out _).Should().BeFalse();
        _tokens.TryRead(token + "A", out _).Should().BeFalse();
        _tokens.TryRead(token + "==", out _).Should().BeFalse();
        _tokens.TryRead(" " + token, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("!!!!")]
    [InlineData("not a token at all, with spaces and / + = chars")]
    [InlineData("%00%01")]
    public void Garbage_is_rejected(string garbage)
    {
        _tokens.TryRead(garbage, out var payload).Should().BeFalse();
        payload.Should().BeNull();
    }

    [Fact]
    public void Null_over_long_and_well_formed_random_input_is_rejected()
    {
        _tokens.TryRead(null, out _).Should().BeFalse();
        _tokens.TryRead(new string('A', 513), out _).Should().BeFalse();
        _tokens.TryRead(new string('A', 100_000), out _).Should().BeFalse();
        for (var i = 0; i < 100; i++)
            _tokens.TryRead(System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(86)), out _).Should().BeFalse();
    }

    [Fact]
    public void A_token_signed_with_another_key_is_rejected()
    {
        var other = new TrackingTokens(new StaticSigningKeySource(RandomNumberGenerator.GetBytes(32)));

        _tokens.TryRead(other.Create(Payload()), out _).Should().BeFalse();
    }

    [Fact]
    public void A_token_of_another_kind_is_rejected_where_a_kind_is_required()
    {
        var open = _tokens.Create(Payload(TrackingKind.Open));

        _tokens.TryRead(open, TrackingKind.Unsubscribe, out var payload).Should().BeFalse();
        payload.Should().BeNull();
        _tokens.TryRead(open, TrackingKind.Click, out _).Should().BeFalse();
        _tokens.TryRead(open, TrackingKind.Open, out _).Should().BeTrue();
    }

    [Fact]
    public void Only_click_tokens_carry_a_link_index()
    {
        var withLink = new TrackingPayload(TrackingKind.Open, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 2);
        var negative = new TrackingPayload(TrackingKind.Click, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), -1);

        ((Action)(() => _tokens.Create(withLink))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _tokens.Create(negative))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Hosts_configured_with_the_same_key_read_each_others_tokens()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var hostA = Services(new() { ["Tracking:SigningKey"] = key });
        using var hostB = Services(new() { ["Tracking:SigningKey"] = key });
        using var hostC = Services(new() { ["Tracking:SigningKey"] = "a different passphrase, long enough" });
        var payload = Payload(TrackingKind.Unsubscribe);

        var token = hostA.GetRequiredService<TrackingTokens>().Create(payload);

        hostB.GetRequiredService<TrackingTokens>().TryRead(token, out var read).Should().BeTrue();
        read.Should().Be(payload);
        hostC.GetRequiredService<TrackingTokens>().TryRead(token, out _).Should().BeFalse();
    }

    [Fact]
    public void A_configured_key_that_is_too_short_fails_loudly()
    {
        using var host = Services(new() { ["Tracking:SigningKey"] = "short" });

        var act = () => host.GetRequiredService<TrackingTokens>().Create(Payload());

        act.Should().Throw<InvalidOperationException>().WithMessage("*too short*");
    }

    [Fact]
    public void Tracking_urls_use_the_configured_base_and_keep_its_path()
    {
        var urls = new TrackingUrls(Options.Create(new TrackingOptions { BaseUrl = "https://mail.example.com/app/" }));

        urls.Open("TOKEN", "http://fallback:5000").Should().Be("https://mail.example.com/app/t/o/TOKEN");
        urls.Click("TOKEN").Should().Be("https://mail.example.com/app/t/c/TOKEN");
        urls.Unsubscribe("TOKEN").Should().Be("https://mail.example.com/app/u/TOKEN");
    }

    [Fact]
    public void Tracking_urls_fall_back_to_the_callers_base()
    {
        var urls = new TrackingUrls(Options.Create(new TrackingOptions { BaseUrl = "" }));

        urls.Unsubscribe("T", "http://localhost:5000").Should().Be("http://localhost:5000/u/T");
        ((Action)(() => urls.Open("T"))).Should().Throw<InvalidOperationException>();
        ((Action)(() => urls.Open("T", "ftp://x"))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Mail_registration_picks_the_configured_transport()
    {
        using var pickup = Services(new() { ["Email:PickupDirectory"] = "some/outbox" });
        using var smtp = Services(new() { ["Email:Transport"] = "smtp", ["Email:Smtp:Host"] = "relay.test", ["Email:Smtp:Port"] = "2525", ["Email:Smtp:Security"] = "starttls" });

        pickup.GetRequiredService<IMailTransport>().Should().BeOfType<PickupTransport>()
            .Which.Directory.Should().Be(Path.GetFullPath("some/outbox"));
        smtp.GetRequiredService<IMailTransport>().Should().BeOfType<SmtpTransport>();
        var options = smtp.GetRequiredService<IOptions<MailOptions>>().Value;
        options.Smtp.Security.Should().Be(SmtpSecurity.StartTls);
        options.Smtp.EffectivePort.Should().Be(2525);
        pickup.GetRequiredService<IOptions<MailOptions>>().Value.DefaultFrom.Should().Be("sequences@localhost");
        pickup.GetRequiredService<MimeMessageFactory>().Should().NotBeNull();
        pickup.GetRequiredService<TrackingUrls>().Should().NotBeNull();
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSequencesMail(configuration).BuildServiceProvider();
    }
}
