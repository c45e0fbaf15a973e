using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Tracking;

namespace Sequences.Bench;

public sealed record BaselineResult(int Messages, int Connections, RunCost Cost, long MessageBytes)
{
    public TimeSpan Elapsed => Cost.Elapsed;

    public double MailsPerSecond => Messages / Elapsed.TotalSeconds;

    /// <summary>Two runs taken together: their messages over their time.</summary>
    public BaselineResult Plus(BaselineResult other) => new(Messages + other.Messages, Connections, Cost.Plus(other.Cost), MessageBytes + other.MessageBytes);
}

/// <summary>
/// The physical reference: bare MailKit sends N already-rendered messages to the same sink over as many
/// connections as the engine has workers, after warm-up rounds like the engine's. The messages are the ones the
/// engine sends, byte for byte in shape: the same template, tracked links, open pixel and signed unsubscribe link, so
/// both sides put the same ~2.4 KB on the wire. Rendering and tracking happen before the clock starts; building the
/// MIME message and the SMTP exchange are timed, since every send needs both.
/// </summary>
public static class SmtpBaselineScenario
{
    public static async Task<BaselineResult> RunAsync(BenchSink sink, int count, int connections, CancellationToken ct)
    {
        var emails = Render(count);
        var factory = new MimeMessageFactory(TimeProvider.System);
        // Warmed as the engine is: rounds until the JIT settles, so that both sides of the ratio run compiled code.
        var warmUp = emails.Take(Math.Min(EngineScenario.WarmUpLeads, count)).ToArray();
        await JitWarmUp.RunAsync(() => SendAllAsync(sink, warmUp, connections, factory, ct));
        sink.ResetCounters();

        var meter = new CostMeter();
        await SendAllAsync(sink, emails, connections, factory, ct);
        var cost = meter.Stop();
        if (sink.Accepted != count) throw new BenchException($"smtp-baseline: the sink accepted {sink.Accepted} of {count} messages.");
        return new BaselineResult(count, connections, cost, sink.Bytes);
    }

    private static Task SendAllAsync(BenchSink sink, OutgoingEmail[] emails, int connections, MimeMessageFactory factory, CancellationToken ct)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            using var client = new SmtpClient();
            // Nagle off on the client too, as the product's SmtpTransport does.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(sink.Host, sink.Port, ct);
            await client.ConnectAsync(socket, sink.Host, sink.Port, SecureSocketOptions.None, ct);
            for (var i = Interlocked.Increment(ref next); i < emails.Length; i = Interlocked.Increment(ref next))
            {
                using var message = factory.Create(emails[i]); // as the engine does: a MIME tree has finalizers
                await client.SendAsync(message, ct);
            }
            await client.DisconnectAsync(quit: true, ct);
        }, ct)));
    }

    private static OutgoingEmail[] Render(int count)
    {
        var templates = new LiquidTemplates();
        var tokens = new TrackingTokens(new StaticSigningKeySource(SigningKeys.FromSetting(BenchApp.SigningKey)));
        var urls = new TrackingUrls(Options.Create(new TrackingOptions { BaseUrl = BenchApp.TrackingBaseUrl }));
        var tracker = new MessageTracker(tokens, urls, new PublicBaseUrl());
        var (tenant, emails) = (Guid.NewGuid(), new OutgoingEmail[count]);
        for (var i = 0; i < count; i++)
        {
            var lead = new Lead
            {
                Email = $"lead0.{i}@example{i % 97}.com", Name = $"Lead {i}", FirstName = "Ada", LastName = $"Lovelace {i}",
                Company = "Engines Ltd", Title = "Head of Engines", Custom = new() { ["plan"] = "pro" },
            };
            var messageId = RowIds.New();
            var unsubscribe = urls.Unsubscribe(tokens.Create(new TrackingPayload(TrackingKind.Unsubscribe, tenant, messageId, lead.Id)));
            var model = TemplateModel.For(lead, "Charles", "charles@sequences.test", null, unsubscribe);
            var email = new OutgoingEmail("charles@sequences.test", "Charles", lead.Email, lead.Name,
                templates.Render(BenchContent.Subject, model), templates.Render(BenchContent.BodyHtml, model, encodeHtml: true), null,
                MessageIds.EngineKey(RowIds.New(), RowIds.New()), unsubscribe);
            emails[i] = tracker.Track(email, new MessageTracking(tenant, messageId, lead.Id, TrackOpens: true, TrackClicks: true)).Email;
        }
        return emails;
    }
}
