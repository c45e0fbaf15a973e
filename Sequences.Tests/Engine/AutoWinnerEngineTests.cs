using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>A/B auto-winner through the real pass: counted from the stored sends and replies, stored on the step,
/// then every new lead gets the winner; the analytics page data marks it.</summary>
public abstract class AutoWinnerEngineTests(SequencesApp app) : EngineTestBase(app)
{
    [Fact]
    public async Task Once_B_clearly_gets_more_replies_the_next_pass_decides_B_and_new_leads_only_get_B()
    {
        var sequence = await StartedSequenceAsync(null, new
        {
            step_type = "email", subject_line = "Hello",
            variants = new[]
            {
                new { variant = "A", subject_line = "Variant A", body_text = "a", weight = 1 },
                new { variant = "B", subject_line = "Variant B", body_text = "b", weight = 1 },
            },
            auto_winner = new { metric = "reply", min_sends_per_variant = 3, confidence = 0.95 },
        });
        var sequenceId = Id(sequence);
        var first = new List<TestLead>();
        for (var i = 0; i < 30; i++)
        {
            var lead = await LeadAsync(A);
            await EnrollAsync(A, lead, sequenceId);
            first.Add(lead);
        }
        await ProcessAsync();

        var sent = await DbAsync(db => db.OutboundMessages.Where(m => m.SequenceId == sequenceId && m.Status == OutboundStatus.Sent).ToListAsync());
        sent.Should().HaveCount(30);
        sent.GroupBy(m => m.Variant).Should().HaveCount(2).And.OnlyContain(g => g.Count() >= 3, "30 leads split over two equal weights");
        (await StepAsync(sequenceId))["winner"].Should().BeNull("nobody has replied yet");

        // Every lead that got B replies; nobody who got A does.
        await DbAsync(async db =>
        {
            db.EngagementEvents.AddRange(sent.Where(m => m.Variant == "B").Select(m => new EngagementEvent
            {
                TenantId = m.TenantId, LeadId = m.LeadId, MessageId = m.Id, SequenceId = m.SequenceId, StepId = m.StepId,
                Type = EngagementType.Replied, OccurredAt = App.Clock.GetUtcNow().UtcDateTime,
            }));
            return await db.SaveChangesAsync();
        });

        var later = new List<TestLead>();
        for (var i = 0; i < 12; i++)
        {
            var lead = await LeadAsync(A);
            await EnrollAsync(A, lead, sequenceId);
            later.Add(lead);
        }
        await ProcessAsync();

        var winner = (await StepAsync(sequenceId))["winner"]!;
        winner["variant"]!.GetValue<string>().Should().Be("B");
        winner["metric"]!.GetValue<string>().Should().Be("reply");
        winner["p_value"]!.GetValue<double>().Should().BeLessThan(0.05);
        winner["rates"]!.AsArray().Select(r => r!["sends"]!.GetValue<int>()).Should().Equal(
            sent.Count(m => m.Variant == "A"), sent.Count(m => m.Variant == "B"));

        var laterIds = later.Select(l => l.Id).ToHashSet();
        var laterSends = await DbAsync(db => db.OutboundMessages.Where(m => m.SequenceId == sequenceId && laterIds.Contains(m.LeadId)).ToListAsync());
        laterSends.Should().HaveCount(12).And.OnlyContain(m => m.Variant == "B");
        later.SelectMany(MailsTo).Select(m => m.Subject).Should().OnlyContain(s => s == "Variant B");

        var analytics = await JsonAsync(await A.GetAsync($"/api/sequences/{sequenceId}/analytics"));
        var rows = analytics["by_variant"]!.AsArray();
        rows.Single(r => r!["variant"]!.GetValue<string>() == "B")!["winner"]!["variant"]!.GetValue<string>().Should().Be("B");
        rows.Single(r => r!["variant"]!.GetValue<string>() == "A")!["winner"].Should().BeNull();
    }

    [Fact]
    public async Task An_auto_winner_on_a_step_without_two_variants_is_rejected_and_nothing_is_stored()
    {
        var response = await A.PostJsonAsync("/api/sequences", new
        {
            name = $"Bad {Guid.NewGuid():N}"[..12],
            steps = new[] { new { step_type = "email", subject_line = "s", body_text = "b", auto_winner = new { metric = "reply", min_sends_per_variant = 0, confidence = 0.95 } } },
        });

        await ExpectAsync(response, HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("auto_winner").And.Contain("min_sends_per_variant");
    }

    private async Task<JsonObject> StepAsync(Guid sequenceId)
    {
        var sequence = await JsonAsync(await A.GetAsync($"/api/sequences/{sequenceId}"));
        return sequence["steps"]!.AsArray().Single()!.AsObject();
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAutoWinnerEngineTests(SqliteEngineApp app) : AutoWinnerEngineTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAutoWinnerEngineTests(PostgresEngineApp app) : AutoWinnerEngineTests(app), IClassFixture<PostgresEngineApp>;
