using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Mail;

namespace Sequences.Infrastructure.Engine;

/// <summary>Renders an email step (or its A/B variant) for one lead into the message the transport sends.</summary>
public sealed class EmailComposer(LiquidTemplates templates)
{
    /// <param name="thread">For a same-thread step after an earlier email: the reply's subject and headers, which
    /// replace the step's own subject.</param>
    internal OutgoingEmail Compose(SequenceStep step, SequenceStepVariant? variant, Lead lead, SequenceRuntime runtime,
        string? campaignName, string idempotencyKey, UnsubscribeLinks? unsubscribe, ThreadReply? thread = null)
    {
        var model = TemplateModel.For(lead, runtime.OwnerName, runtime.OwnerEmail, campaignName, unsubscribe?.Url);
        var subject = Pick(variant?.SubjectLine, step.SubjectLine);
        var html = Pick(variant?.BodyHtml, step.BodyHtml);
        var text = Pick(variant?.BodyText, step.BodyText);
        return new OutgoingEmail(
            runtime.FromAddress, runtime.FromName, lead.Email, lead.Name,
            thread?.Subject ?? OneLine(templates.Render(subject, model)),
            html is null ? null : templates.Render(html, model, encodeHtml: true),
            text is null ? null : templates.Render(text, model),
            idempotencyKey,
            unsubscribe?.Url,
            unsubscribe?.Mailto,
            InReplyTo: thread?.InReplyTo,
            References: thread?.References);
    }

    /// <summary>The variant's text, else the step's; blank is none (a template saved with an empty text part stores
    /// "", and that must still get the text made from the html).</summary>
    private static string? Pick(string? variant, string? step) =>
        !string.IsNullOrWhiteSpace(variant) ? variant : string.IsNullOrWhiteSpace(step) ? null : step;

    private static string OneLine(string subject) => subject.ReplaceLineEndings(" ").Trim();
}
