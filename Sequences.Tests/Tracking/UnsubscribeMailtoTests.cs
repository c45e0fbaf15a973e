using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Tests.Tracking;

/// <summary>With <c>Email:UnsubscribeMailto</c> set, List-Unsubscribe offers a mailto whose subject carries the token the inbound side reads.</summary>
public sealed class UnsubscribeMailtoTests
{
    private readonly TrackingTokens _tokens = new(new StaticSigningKeySource(RandomNumberGenerator.GetBytes(32)));

    private TrackingLinks Links(string? mailto) =>
        new(_tokens, new TrackingUrls(Options.Create(new TrackingOptions { BaseUrl = "https://mail.example.com" })), new PublicBaseUrl(),
            Options.Create(new MailOptions { UnsubscribeMailto = mailto }));

    [Fact]
    public void The_mailto_names_the_address_and_a_subject_whose_token_unsubscribes_that_lead_from_that_message()
    {
        var (tenant, message, lead) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var links = Links(" unsubscribe@example.com ").Unsubscribe(tenant, message, lead);

        links.Url.Should().StartWith("https://mail.example.com/u/");
        links.Mailto.Should().StartWith("mailto:unsubscribe@example.com?subject=unsubscribe%20");
        var subject = Uri.UnescapeDataString(links.Mailto![(links.Mailto.IndexOf("subject=", StringComparison.Ordinal) + 8)..]);
        var token = UnsubscribeSubject.TokenIn("Re: " + subject);
        token.Should().Be(links.Url[(links.Url.LastIndexOf('/') + 1)..], "the mailto and the one-click URL carry the same token");
        _tokens.TryRead(token, out var payload).Should().BeTrue();
        payload.Should().Be(new TrackingPayload(TrackingKind.Unsubscribe, tenant, message, lead));

        var header = new MimeMessageFactory(TimeProvider.System).Create(new OutgoingEmail("owner@example.com", null, "lead@example.org", null, "Hi", null, "b", "key-1", links.Url, links.Mailto))
            .Headers[MimeKit.HeaderId.ListUnsubscribe];
        header.Should().Be($"<{links.Url}>, <{links.Mailto}>");
    }

    [Fact]
    public void Without_an_address_there_is_no_mailto_and_ordinary_subjects_carry_no_token()
    {
        Links(null).Unsubscribe(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()).Mailto.Should().BeNull();
        UnsubscribeSubject.TokenIn("Please unsubscribe me").Should().BeNull();
        UnsubscribeSubject.TokenIn("Re: Hi Ada").Should().BeNull();
        UnsubscribeSubject.TokenIn(null).Should().BeNull();
    }
}
