using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Mail;

namespace Sequences.Infrastructure.Engine;

/// <summary>Renders an email step (or its A/B variant) for one lead into the message the transport sends.</summary>
public sealed class EmailComposer(LiquidTemplates templates)
{
    internal OutgoingEmail Compose(SequenceStep step, SequenceStepVariant? variant, Lead lead, SequenceRuntime runtime,
        string? campaignName, string idempotencyKey, UnsubscribeLinks? unsubscribe)
    {
        var model = TemplateModel.For(lead, runtime.OwnerName, runtime.OwnerEmail, campaignName, unsubscribe?.Url);
        var subject = Pick(variant?.SubjectLine, step.SubjectLine);
        var html = Pick(variant?.BodyHtml, step.BodyHtml);
        var text = Pick(variant?.BodyText, step.BodyText);
        return new OutgoingEmail(
            runtime.FromAddress, runtime.FromName, lead.Email, lead.Name,
            OneLine(templates.Render(subject, model)),
            html is null ? null : templates.Render(html, model, encodeHtml: true),
            text is null ? null : templates.Render(text, model),
            idempotencyKey,
            unsubscribe?.Url,
            unsubscribe?.Mailto);
    }

    private static string? Pick(string? variant, string? step) => string.IsNullOrWhiteSpace(variant) ? step : variant;

    private static string OneLine(string subject) => subject.ReplaceLineEndings(" ").Trim();
}
