using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using MimeKit;
using Sequences.Core.Common;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Replies;

namespace Sequences.Web.Api;

/// <summary>A reply or bounce a mail provider reports. <c>references</c> is a string of ids (space or comma separated) or an array.</summary>
public sealed record InboundWebhookRequest(
    string? Type, string? From, string? To, string? Subject, string? MessageId, string? InReplyTo, JsonElement? References, string? Text,
    Dictionary<string, string?>? Headers);

/// <summary><c>message_id</c> is the id of our outbound message the mail was matched to, if any.</summary>
public sealed record InboundWebhookResponse(bool Matched, InboundRecorded Recorded, Guid? LeadId, Guid? MessageId);

public static class InboundApi
{
    public static IEndpointRouteBuilder MapInboundApi(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/webhooks").WithTags("Webhooks")
            .MapPost("/inbound", ReceiveAsync)
            .WithSummary("Record a reply or bounce reported by a mail provider")
            .WithDescription("Matched by in_reply_to/references against our Message-IDs, else by the sender to an enrolled lead; " +
                             "auto-replies (Auto-Submitted, X-Autoreply, Precedence, out-of-office subjects) are recorded as out_of_office and stop nothing; " +
                             "one whose subject or text names a return date (\"back on Monday, March 9\") holds the lead's enrollments until that business morning. " +
                             "A bounce names its address in headers.Final-Recipient (else from) and its code in headers.Status (4.x.x soft, otherwise hard). " +
                             "The same message_id is recorded once.");
        return api;
    }

    private static async Task<Ok<InboundWebhookResponse>> ReceiveAsync(
        InboundWebhookRequest body, InboundProcessor processor, ITenantContext tenant, CancellationToken ct)
    {
        var outcome = await processor.ProcessAsync(tenant.TenantId ?? throw new InvalidOperationException("No tenant."), ToMail(body), ct);
        return TypedResults.Ok(new InboundWebhookResponse(outcome.Matched, outcome.Recorded, outcome.LeadId, outcome.OutboundMessageId));
    }

    private static InboundMail ToMail(InboundWebhookRequest body)
    {
        var issues = new List<ValidationIssue>();
        var type = body.Type?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type)) issues.Add(ValidationIssue.Error("type", "required", "type is required: reply or bounce."));
        else if (type is not ("reply" or "bounce")) issues.Add(ValidationIssue.Error("type", "invalid_value", "type must be reply or bounce."));

        string? from = null;
        if (string.IsNullOrWhiteSpace(body.From)) issues.Add(ValidationIssue.Error("from", "required", "from is required."));
        // Providers send either a bare address or "Name <address>".
        else if (MailboxAddress.TryParse(body.From.Trim(), out var mailbox) && mailbox.Address.IndexOf('@') > 0) from = mailbox.Address;
        else issues.Add(ValidationIssue.Error("from", "invalid_email", "from must be an email address."));

        var references = References(body.References, issues);
        if (issues.Count > 0) throw new InputRejectedException(issues);

        var headers = (body.Headers ?? []).Where(h => h.Value is not null).ToDictionary(h => h.Key, h => h.Value!, StringComparer.OrdinalIgnoreCase);
        return InboundMail.FromProvider(type == "bounce", from!, body.To, body.Subject, body.MessageId, body.InReplyTo, references, headers, body.Text);
    }

    private static IReadOnlyList<string> References(JsonElement? value, List<ValidationIssue> issues)
    {
        switch (value?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.Undefined:
                return [];
            case JsonValueKind.String:
                return InboundMail.ParseIds(value.Value.GetString());
            case JsonValueKind.Array when value.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return value.Value.EnumerateArray().SelectMany(e => InboundMail.ParseIds(e.GetString())).Distinct().ToList();
            default:
                issues.Add(ValidationIssue.Error("references", "invalid_value", "references must be a string of Message-IDs or an array of them."));
                return [];
        }
    }
}
