using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Engine;

public sealed record ActionOutcome(bool Success, string? Error, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Runs action steps: lead status and tags, a notification for the sequence owner, or a signed webhook.</summary>
public sealed class ActionRunner(IHttpClientFactory http, TimeProvider clock, ILogger<ActionRunner> logger)
{
    public const string WebhookClient = "sequences-webhooks";
    public const string SignatureHeader = "X-Sequences-Signature";
    private const int WebhookTries = 3;

    public async Task<ActionOutcome> RunAsync(SequencesDbContext db, SequenceStep step, Lead lead, LeadSequenceState state,
        Guid? ownerId, string webhookSecret, CancellationToken ct)
    {
        var config = step.ActionConfig ?? new ActionConfig();
        switch (step.ActionType)
        {
            case ActionType.UpdateStatus:
                var old = lead.Status;
                lead.Status = config.Status ?? lead.Status;
                return Ok(("from", old), ("to", lead.Status));
            case ActionType.TagLead:
                if (config.Tag is { } tag && !lead.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                    lead.Tags = [.. lead.Tags, tag];
                return Ok(("tag", config.Tag ?? ""));
            case ActionType.NotifyUser:
                db.Notifications.Add(new Notification
                {
                    TenantId = state.TenantId, UserId = ownerId, Message = config.Message ?? "", LeadId = lead.Id,
                    SequenceId = state.SequenceId, CreatedAt = clock.GetUtcNow().UtcDateTime,
                });
                return Ok(("message", config.Message ?? ""));
            case ActionType.Webhook:
                return await PostWebhookAsync(config.Url, step, lead, state, webhookSecret, ct);
            default:
                return new ActionOutcome(false, $"Unknown action type {step.ActionType}.", new Dictionary<string, string>());
        }
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    private async Task<ActionOutcome> PostWebhookAsync(string? url, SequenceStep step, Lead lead, LeadSequenceState state, string secret, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return new ActionOutcome(false, "The webhook url is not an http or https url.", new Dictionary<string, string>());
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            Event = "sequence_action",
            SequenceId = state.SequenceId,
            StepId = step.Id,
            At = clock.GetUtcNow().UtcDateTime,
            Lead = new { lead.Id, lead.Email, lead.Name, lead.FirstName, lead.LastName, lead.Company, lead.Title, lead.Status, lead.Tags, lead.Custom },
        }, JsonDefaults.Options);
        var signature = Sign(secret, body);
        string? error = null;
        for (var attempt = 1; attempt <= WebhookTries; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add(SignatureHeader, signature);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await http.CreateClient(WebhookClient).SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                    return Ok(("url", uri.ToString()), ("status", ((int)response.StatusCode).ToString()), ("attempts", attempt.ToString()));
                error = $"HTTP {(int)response.StatusCode}";
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429) break;
            }
            catch (HttpRequestException e) when (e.InnerException is WebhookRefusedException refused)
            {
                // Retrying cannot help: the address is refused by configuration, not unreachable.
                logger.LogWarning("Webhook {Url} for lead {LeadId} step {StepId} refused: {Error}", uri, lead.Id, step.Id, refused.Message);
                return new ActionOutcome(false, $"Webhook refused: {refused.Message}", new Dictionary<string, string> { ["url"] = uri.ToString() });
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = e is TaskCanceledException ? "timed out after 10 s" : e.Message;
            }
            logger.LogWarning("Webhook {Url} for lead {LeadId} step {StepId} failed (try {Attempt}): {Error}", uri, lead.Id, step.Id, attempt, error);
        }
        return new ActionOutcome(false, $"Webhook failed: {error}", new Dictionary<string, string> { ["url"] = uri.ToString() });
    }

    private static ActionOutcome Ok(params (string Key, string Value)[] metadata) =>
        new(true, null, metadata.ToDictionary(m => m.Key, m => m.Value));
}
