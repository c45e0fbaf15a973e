using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tenants;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Mail;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Templates;

namespace Sequences.Infrastructure.Sequences;

/// <summary>
/// What the builder's preview shows for a sequence document that may not be saved yet: each email rendered for a
/// real or sample lead (html sanitised for display), the simulator's timeline, and a test send through the app's
/// mail transport. Nothing here stores anything.
/// </summary>
public sealed class SequencePreviewService(
    IDbContextFactory<SequencesDbContext> contexts,
    ITenantContext tenant,
    LiquidTemplates liquid,
    MailRelays relays,
    MimeMessageFactory messages,
    IOptions<MailOptions> mail,
    TimeProvider clock)
{
    public const int DefaultHorizonDays = 60;
    public const string TestHeader = "X-Sequences-Test";
    public const string SampleCampaign = "Sample campaign";
    public const string SampleUnsubscribeUrl = "https://example.com/u/sample";

    /// <summary>The lead the preview renders for: a real lead of the tenant, else the typed sample values over
    /// <see cref="TemplateService.SampleLead"/>.</summary>
    public async Task<Lead> ResolveLeadAsync(PreviewRecipient who, CancellationToken ct = default)
    {
        if (who.LeadId is { } id)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new InputRejectedException("lead_id", "unknown_lead", $"Lead {id} does not exist.");
        }
        var sample = TemplateService.SampleLead;
        if (who.Sample is not { } s) return sample;
        if (s.Timezone is { Length: > 0 } tz && !TimeZones.IsIana(tz))
            throw new InputRejectedException("lead.timezone", "invalid_timezone", $"'{tz}' is not an IANA time zone (e.g. America/New_York).");
        var first = Typed(s.FirstName) ?? sample.FirstName;
        var last = Typed(s.LastName) ?? sample.LastName;
        return new Lead
        {
            Id = Guid.Empty,
            Email = Typed(s.Email) ?? sample.Email,
            FirstName = first,
            LastName = last,
            Name = Typed(s.Name) ?? string.Join(' ', new[] { first, last }.Where(p => !string.IsNullOrWhiteSpace(p))),
            Company = Typed(s.Company) ?? sample.Company,
            Title = Typed(s.Title) ?? sample.Title,
            Timezone = Typed(s.Timezone) ?? sample.Timezone,
            Country = Typed(s.Country) ?? sample.Country,
            Tags = s.Tags ?? sample.Tags,
            Custom = s.Custom ?? sample.Custom,
        };
    }

    /// <summary>Every email step, in order, rendered for <paramref name="who"/> with the one template renderer.
    /// Template problems come back as issues on the email, never as exceptions. A same-thread step shows the reply
    /// subject the lead gets after the email before it (its first version's, when it has variants).</summary>
    public async Task<SequencePreview> RenderAsync(SequenceInput sequence, PreviewRecipient who, Guid? sequenceId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var lead = await ResolveLeadAsync(who, ct);
        var model = Model(lead, await SenderAsync(sequenceId, ct));
        var steps = sequence.Steps ?? [];
        var emails = new List<EmailPreview>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not { StepType: StepType.Email } step) continue;
            var versions = Versions(step).Select(v => RenderVersion(v, model)).ToList();
            if (step.SameThread == true && emails.Count > 0 && EmailThread.ReplySubject(emails[^1].Versions[0].Subject) is { } reply)
                versions = versions.Select(v => v with { Subject = reply }).ToList();
            emails.Add(new EmailPreview(step.Id, i + 1, step.Name, versions));
        }
        return new SequencePreview(lead, emails);
    }

    /// <summary>The simulator's timeline for the document: the real engine rules on a virtual clock, in the zone of
    /// <paramref name="request"/>'s lead (else the sequence's, the tenant's, UTC).</summary>
    /// <exception cref="InputRejectedException">A bad zone, horizon or event, or steps the engine cannot run.</exception>
    public async Task<SimulationResult> SimulateAsync(SequenceInput sequence, SimulationRequest request, Guid? sequenceId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(request);
        var inputs = sequence.Steps ?? [];
        var issues = new List<ValidationIssue>();
        if (request.LeadTimezone is { } tz && !TimeZones.IsIana(tz))
            issues.Add(ValidationIssue.Error("lead.timezone", "invalid_timezone", $"'{tz}' is not an IANA time zone."));
        var horizon = request.HorizonDays ?? DefaultHorizonDays;
        if (horizon is < 1 or > Simulator.MaxHorizonDays)
            issues.Add(ValidationIssue.Error("horizon_days", "out_of_range", $"horizon_days must be from 1 to {Simulator.MaxHorizonDays}."));
        // Years far out would overflow the clock's arithmetic; no one plans a sequence outside this range.
        if (request.StartAt is { Year: < 2000 or > 2200 })
            issues.Add(ValidationIssue.Error("start_at", "out_of_range", "start_at must be a time between the years 2000 and 2200."));
        var events = new List<SimulatedEvent>();
        var stepIds = inputs.Where(s => s?.Id is not null).Select(s => s.Id!.Value).ToHashSet();
        var requested = request.Events ?? [];
        for (var i = 0; i < requested.Count; i++)
        {
            var e = requested[i];
            var type = e.Type switch { "opened" => EngagementType.Opened, "clicked" => EngagementType.Clicked, "replied" => EngagementType.Replied, _ => (EngagementType?)null };
            if (type is null) issues.Add(ValidationIssue.Error($"events[{i}].type", "invalid_event", "type must be opened, clicked or replied."));
            if (e.AfterStepId is not { } sid || !stepIds.Contains(sid)) issues.Add(ValidationIssue.Error($"events[{i}].after_step_id", "unknown_step", "after_step_id must name a step of this sequence."));
            if (e.AfterHours is not { } h || h < 0 || h > 24 * Simulator.MaxHorizonDays || !double.IsFinite(h)) issues.Add(ValidationIssue.Error($"events[{i}].after_hours", "out_of_range", "after_hours must be a number of hours from 0."));
            if (type is { } t && e.AfterStepId is { } s && e.AfterHours is { } hours) events.Add(new SimulatedEvent(t, s, hours));
        }
        if (issues.Count > 0) throw new InputRejectedException(issues);

        // Ids of the document stay as they are, so the timeline names the same steps the builder shows.
        var steps = StepMapper.Build(inputs, stepIds);
        var settings = sequence.Settings ?? new SequenceSettings();
        var zone = TimeZones.Resolve(request.LeadTimezone, settings.Timezone, await TenantZoneAsync(ct));
        var start = request.StartAt is { } at ? DateTime.SpecifyKind(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at, DateTimeKind.Utc) : clock.GetUtcNow().UtcDateTime;
        var plan = new SequencePlan(sequenceId ?? Guid.Empty, steps, settings);
        return new SimulationResult(zone, Simulator.Run(plan, zone, start, events, horizon, country: request.LeadCountry));
    }

    /// <summary>Sends one email step, rendered for <paramref name="who"/>, to <paramref name="toAddress"/>: marked as a
    /// test in subject and headers, without tracking, and not recorded as a send to any lead.</summary>
    public async Task<TestSendResult> TestSendAsync(SequenceInput sequence, Guid stepId, string? variant, string? toAddress, PreviewRecipient who,
        Guid? sequenceId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (!EmailAddresses.IsValid(toAddress?.Trim()))
            throw new InputRejectedException("to", "invalid_email", $"'{toAddress}' is not a valid email address.");
        var step = sequence.Steps?.FirstOrDefault(s => s?.Id == stepId && s.StepType == StepType.Email)
            ?? throw new InputRejectedException("step_id", "unknown_step", "Pick an email step of this sequence.");
        var content = Versions(step).FirstOrDefault(v => v.Variant == variant) ?? Versions(step)[0];
        if (string.IsNullOrWhiteSpace(content.Subject) || (string.IsNullOrWhiteSpace(content.Html) && string.IsNullOrWhiteSpace(content.Text)))
            throw new InputRejectedException("step_id", "empty_email", "This email needs a subject and a body before it can be sent.");

        var lead = await ResolveLeadAsync(who, ct);
        var sender = await SenderAsync(sequenceId, ct);
        var model = Model(lead, sender);
        string subject, html, text;
        try
        {
            subject = liquid.Render(content.Subject, model).ReplaceLineEndings(" ").Trim();
            html = liquid.Render(content.Html, model, encodeHtml: true);
            text = liquid.Render(content.Text, model);
        }
        catch (TemplateRenderException e)
        {
            throw new InputRejectedException("template", "render_failed", e.Message);
        }
        var email = new OutgoingEmail(sender.FromAddress, sender.FromName, toAddress!.Trim(), null, $"[Test] {subject}",
            string.IsNullOrWhiteSpace(html) ? null : html, string.IsNullOrWhiteSpace(text) ? null : text,
            $"test-{Guid.NewGuid():N}", Headers: new Dictionary<string, string> { [TestHeader] = "true" });
        // Through the relay the real sends of this sequence use (its owner's own SMTP server, if the mailbox names
        // one): a test that went out elsewhere would say nothing about whether the real mail will.
        await using var session = await relays.OpenAsync(sender.Mailbox, ct);
        using var mime = messages.Create(email);
        var result = await session.SendAsync(mime, ct);
        return new TestSendResult(result.IsSent, result.IsSent ? $"Test email sent to {email.ToAddress}." : $"The test email was not sent: {result.Error ?? result.Outcome.ToString()}",
            email.MessageId);
    }

    private static IReadOnlyList<EmailContent> Versions(StepInput step) =>
        step.Variants is { Count: > 0 } variants
            ? variants.Where(v => v is not null).Select(v => new EmailContent(v.Variant, Pick(v.SubjectLine, step.SubjectLine), Pick(v.BodyHtml, step.BodyHtml), Pick(v.BodyText, step.BodyText))).ToList()
            : [new EmailContent(null, step.SubjectLine, step.BodyHtml, step.BodyText)];

    // The engine's rule: a variant's blank field falls back to the step's.
    private static string? Pick(string? variant, string? step) => string.IsNullOrWhiteSpace(variant) ? step : variant;

    private RenderedEmail RenderVersion(EmailContent content, TemplateModel model)
    {
        var issues = new List<ValidationIssue>();
        string Render(string? source, string field, bool html)
        {
            if (!liquid.TryParse(source, out var error))
            {
                issues.Add(ValidationIssue.Error(field, "template_syntax", $"{field} is not valid Liquid: {error}"));
                return "";
            }
            foreach (var variable in liquid.FindVariables(source).Where(v => !LiquidTemplates.IsKnownVariable(v)))
                issues.Add(ValidationIssue.Warning(field, "unknown_variable", $"{{{{ {variable} }}}} is not a known variable; it renders empty."));
            try
            {
                return liquid.Render(source, model, encodeHtml: html);
            }
            catch (TemplateRenderException e)
            {
                issues.Add(ValidationIssue.Error(field, "render_failed", e.Message));
                return "";
            }
        }
        var subject = Render(content.Subject, "subject_line", false).ReplaceLineEndings(" ").Trim();
        var html = Render(content.Html, "body_html", true);
        var text = Render(content.Text, "body_text", false);
        // The text part the lead gets when there is none: the same conversion the mail factory uses.
        if (string.IsNullOrWhiteSpace(content.Text)) text = HtmlToText.Convert(html);
        return new RenderedEmail(content.Variant, subject, Mail.DisplayHtml.Sanitize(html) ?? "", text, issues);
    }

    private static TemplateModel Model(Lead lead, SequenceSender sender) =>
        TemplateModel.For(lead, sender.OwnerName ?? "Your Name", sender.OwnerEmail ?? "you@example.com", SampleCampaign, SampleUnsubscribeUrl);

    /// <summary>The engine's sender for the sequence's owner; a sequence not saved yet will be the acting user's.</summary>
    private async Task<SequenceSender> SenderAsync(Guid? sequenceId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = tenant.UserId;
        if (sequenceId is { } id && await db.Sequences.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.UserId }).FirstOrDefaultAsync(ct) is { } saved)
            owner = saved.UserId;
        return await SequenceSenders.ForAsync(db, tenant.TenantId ?? Guid.Empty, owner, mail.Value.DefaultFrom, ct);
    }

    private async Task<string?> TenantZoneAsync(CancellationToken ct)
    {
        if (tenant.TenantId is not { } tenantId) return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.DefaultTimezone).FirstOrDefaultAsync(ct);
    }

    private static string? Typed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record EmailContent(string? Variant, string? Subject, string? Html, string? Text);
}
