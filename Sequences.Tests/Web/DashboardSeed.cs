using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Tests.Web;

/// <summary>Data for dashboard tests, written through the real services (and, for sends and events, straight into the tables
/// as the engine would write them).</summary>
public sealed class DashboardSeed(PageTestContext context)
{
    /// <summary>A two-email sequence (the second with variants A and B), open around the clock.</summary>
    public async Task<Sequence> SequenceAsync(Guid tenantId, string name = "Onboarding", bool variants = false)
    {
        Sequence? sequence = null;
        await context.AsTenantAsync(tenantId, async services =>
        {
            sequence = await services.GetRequiredService<SequenceService>().CreateAsync(new SequenceInput
            {
                Name = name,
                Settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false },
                Steps =
                [
                    new StepInput { StepType = StepType.Email, Name = "Hello", SubjectLine = "Hello {{ lead.first_name }}", BodyHtml = "<p>Hi</p>" },
                    new StepInput
                    {
                        StepType = StepType.Email, Name = "Nudge", DelayDays = 2, SubjectLine = "Nudge", BodyHtml = "<p>Still there?</p>",
                        Variants = variants
                            ? [new VariantInput("A", "Nudge A", "<p>A</p>", null, 1), new VariantInput("B", "Nudge B", "<p>B</p>", null, 1)]
                            : null,
                    },
                ],
            });
        });
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        return sequence!;
    }

    public async Task<Lead> LeadAsync(Guid tenantId, string email, string? timezone = null, string[]? tags = null)
    {
        Lead? lead = null;
        await context.AsTenantAsync(tenantId, async services =>
            lead = await services.GetRequiredService<LeadService>().CreateAsync(new LeadInput
            {
                Email = email, FirstName = email.Split('@')[0], Timezone = timezone, Tags = tags?.ToList(),
            }));
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        return lead!;
    }

    public async Task<EnrollmentView> EnrollAsync(Guid tenantId, Guid leadId, Guid sequenceId)
    {
        EnrollmentView? view = null;
        await context.AsTenantAsync(tenantId, async services =>
            view = await services.GetRequiredService<EnrollmentService>().EnrollAsync(leadId, sequenceId, null));
        return view!;
    }

    /// <summary>An outbound message of the lead's enrollment at <paramref name="step"/>, with the events the engine and tracking would write.</summary>
    public async Task<OutboundMessage> MessageAsync(Guid tenantId, Guid leadId, Sequence sequence, SequenceStep step, OutboundStatus status,
        string? variant = null, string? error = null, params EngagementType[] events)
    {
        OutboundMessage? message = null;
        await WithDbAsync(tenantId, async db =>
        {
            var state = await db.LeadSequenceStates.FirstAsync(s => s.LeadId == leadId && s.SequenceId == sequence.Id);
            var lead = await db.Leads.FirstAsync(l => l.Id == leadId);
            var now = context.Clock.GetUtcNow().UtcDateTime;
            var key = $"{state.Id:N}:{step.Id:N}";
            message = new OutboundMessage
            {
                TenantId = tenantId, IdempotencyKey = key, MessageId = $"<{key.Replace(':', '.')}@test.local>", StateId = state.Id, LeadId = leadId,
                SequenceId = sequence.Id, StepId = step.Id, Variant = variant, ToAddress = lead.Email, Subject = $"{step.SubjectLine} ({lead.Email})",
                Status = status, Attempts = 1, LastError = error, SentAt = status == OutboundStatus.Sent ? now : null,
            };
            db.OutboundMessages.Add(message);
            if (status == OutboundStatus.Sent) state.EmailsSent++;
            foreach (var type in status == OutboundStatus.Sent ? events.Prepend(EngagementType.Sent) : events)
                db.EngagementEvents.Add(new EngagementEvent
                {
                    TenantId = tenantId, LeadId = leadId, MessageId = message.Id, SequenceId = sequence.Id, StepId = step.Id, Type = type, OccurredAt = now,
                });
            if (status == OutboundStatus.Unknown) state.NextActionAt = null;
            await db.SaveChangesAsync();
        });
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        return message!;
    }

    public async Task WithDbAsync(Guid tenantId, Func<SequencesDbContext, Task> work) =>
        await context.AsTenantAsync(tenantId, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            await work(db);
        });

    public async Task<T> QueryAsync<T>(Guid tenantId, Func<SequencesDbContext, Task<T>> query)
    {
        T result = default!;
        await WithDbAsync(tenantId, async db => result = await query(db));
        return result;
    }
}
