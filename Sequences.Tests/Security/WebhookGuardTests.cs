using System.Net;
using Sequences.Core.Engine;
using Sequences.Infrastructure.Engine;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

public sealed class WebhookGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")] // AWS metadata over IPv6
    [InlineData("fc00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    public void Internal_addresses_are_not_public(string address) =>
        WebhookAddressGuard.IsPublic(IPAddress.Parse(address)).Should().BeFalse();

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Routable_addresses_are_public(string address) =>
        WebhookAddressGuard.IsPublic(IPAddress.Parse(address)).Should().BeTrue();
}

/// <summary>The app as deployed: webhooks to private addresses are not allowed (the engine fixtures allow them).</summary>
public sealed class GuardedEngineApp : SqliteApp
{
    protected override bool UseFakeClock => true;
}

[Collection(SqliteCollection.Name)]
public sealed class WebhookRefusalTests(GuardedEngineApp app) : EngineTestBase(app), IClassFixture<GuardedEngineApp>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_webhook_to_a_loopback_receiver_is_refused_logged_and_not_retried(string host)
    {
        await using var hook = new WebhookReceiver();
        var url = hook.Url.Replace("127.0.0.1", host);
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "action", action_type = "webhook", action_config = new { url } },
            new { step_type = "action", action_type = "tag_lead", action_config = new { tag = "after-hook" } });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));

        await ProcessAsync();

        hook.Requests.Should().BeEmpty("the request never leaves the server");
        var failed = (await LogAsync(lead)).Where(l => l.ActionType == "action_run" && l.ActionResult == LogResult.Failed).Should().ContainSingle().Subject;
        failed.ErrorMessage.Should().Contain("refused").And.Contain("Webhooks:AllowPrivate");
        App.Logs.Entries.Count(e => e.Message.Contains("refused") && e.Message.Contains(url)).Should().Be(1, "a refusal is not retried");
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("completed", "a failed action does not stop the sequence");
    }
}
