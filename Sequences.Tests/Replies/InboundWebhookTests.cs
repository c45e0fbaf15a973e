using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Mail;
using Sequences.Core.Tracking;
using Sequences.Tests.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Replies;

/// <summary><c>POST /api/webhooks/inbound</c> on the real app: a lead really mailed by the engine, then the provider's report.</summary>
public abstract class InboundWebhookTests(SequencesApp app) : EngineTestBase(app)
{
    private const string Url = "/api/webhooks/inbound";

    /// <summary>A lead of tenant A who got the first email of a two-email sequence (so there is still something to stop).</summary>
    private async Task<(TestLead Lead, Guid Sequence, OutboundMessage Message)> MailedLeadAsync()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Hi {{ lead.first_name }}", body_text = "Hello" },
            new { step_type = "email", delay_days = 3, subject_line = "Follow-up", body_text = "Still there?" });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ProcessAsync();
        var message = (await MessagesAsync(lead)).Single();
        message.Status.Should().Be(OutboundStatus.Sent);
        return (lead, Id(sequence), message);
    }

    private async Task<JsonObject> PostAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? A).PostJsonAsync(Url, body);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    private static string NewId() => $"<{Guid.NewGuid():N}@mail.example.com>";

    private Task<List<EngagementEvent>> EventsAsync(Guid lead) =>
        DbAsync(db => db.EngagementEvents.Where(e => e.LeadId == lead).OrderBy(e => e.OccurredAt).ToListAsync());

    private static void ShouldBe(JsonObject answer, bool matched, string recorded, Guid? lead = null, Guid? message = null)
    {
        answer["matched"]!.GetValue<bool>().Should().Be(matched, answer.ToJsonString());
        answer["recorded"]!.GetValue<string>().Should().Be(recorded, answer.ToJsonString());
        if (lead is not null) answer["lead_id"]!.GetValue<string>().Should().Be(lead.ToString());
        if (message is not null) answer["message_id"]!.GetValue<string>().Should().Be(message.ToString());
    }

    [Fact]
    public async Task A_reply_by_In_Reply_To_stops_the_lead_once_even_when_the_provider_retries()
    {
        var (lead, sequence, message) = await MailedLeadAsync();
        var body = new
        {
            type = "reply", from = $"Ada Lovelace <{lead.Email}>", to = "owner@tenant-a.test", subject = "Re: Hi Ada",
            message_id = NewId(), in_reply_to = message.MessageId, text = "Yes, let's talk.", headers = new Dictionary<string, string>(),
        };

        ShouldBe(await PostAsync(body), matched: true, "replied", lead.Id, message.Id);
        ShouldBe(await PostAsync(body), matched: true, "none", lead.Id, message.Id);

        var state = await StateAsync(lead, sequence);
        state["status"]!.GetValue<string>().Should().Be("stopped");
        state["stopped_reason"]!.GetValue<string>().Should().Be("replied");
        state["emails_replied"]!.GetValue<int>().Should().Be(1);
        var replies = (await EventsAsync(lead)).Where(e => e.Type == EngagementType.Replied).ToList();
        replies.Should().ContainSingle().Which.Metadata.Should().Contain("matched_by", "in_reply_to").And.Contain("source", "webhook");
        replies[0].MessageId.Should().Be(message.Id);
        var owner = await DbAsync(db => db.Sequences.Where(q => q.Id == sequence).Select(q => new { q.UserId, q.Name }).SingleAsync());
        var told = await DbAsync(db => db.Notifications.Where(n => n.LeadId == lead.Id).ToListAsync());
        told.Should().ContainSingle("the sequence's owner hears of the reply once, retries included")
            .Which.Message.Should().Be($"{lead.Email} replied to \"{owner.Name}\".");
        (told[0].UserId, told[0].SequenceId).Should().Be((owner.UserId, sequence));

        App.Clock.Advance(TimeSpan.FromDays(4));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle("a lead who replied gets no follow-up");
    }

    [Fact]
    public async Task A_reply_whose_References_name_our_message_matches_through_them()
    {
        var (lead, sequence, message) = await MailedLeadAsync();
        var answer = await PostAsync(new
        {
            type = "reply", from = "colleague@elsewhere.example", message_id = NewId(),
            in_reply_to = NewId(), references = $"{NewId()} {message.MessageId.Trim('<', '>')}",
        });

        ShouldBe(answer, matched: true, "replied", lead.Id, message.Id);
        (await StateAsync(lead, sequence))["stopped_reason"]!.GetValue<string>().Should().Be("replied");

        // Some providers send the list as a JSON array.
        var asArray = await PostAsync(new { type = "reply", from = "colleague@elsewhere.example", message_id = NewId(), references = new[] { NewId(), message.MessageId } });
        ShouldBe(asArray, matched: true, "replied", lead.Id, message.Id);
    }

    [Fact]
    public async Task A_reply_without_threading_headers_matches_the_enrolled_lead_by_sender()
    {
        var (lead, sequence, message) = await MailedLeadAsync();

        var answer = await PostAsync(new { type = "reply", from = lead.Email.ToUpperInvariant(), subject = "Quick question", message_id = NewId() });

        ShouldBe(answer, matched: true, "replied", lead.Id, message.Id);
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("stopped");
        (await EventsAsync(lead)).Single(e => e.Type == EngagementType.Replied).Metadata["matched_by"].Should().Be("sender");
    }

    [Fact]
    public async Task A_sender_who_is_no_enrolled_lead_matches_nothing()
    {
        var stranger = await PostAsync(new { type = "reply", from = $"nobody-{Guid.NewGuid():N}@example.com", message_id = NewId() });
        ShouldBe(stranger, matched: false, "none");
        stranger["lead_id"].Should().BeNull();

        var idle = await LeadAsync(A);
        ShouldBe(await PostAsync(new { type = "reply", from = idle.Email, message_id = NewId() }), matched: false, "none");
        (await EventsAsync(idle)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "Re: Hi Ada")]
    [InlineData("X-Autoreply", "yes", "Re: Hi Ada")]
    [InlineData("Precedence", "auto_reply", "Re: Hi Ada")]
    [InlineData("X-Mailer", "Outlook", "Automatic reply: Hi Ada")]
    public async Task An_out_of_office_is_recorded_and_stops_nothing(string header, string value, string subject)
    {
        var (lead, sequence, message) = await MailedLeadAsync();

        var answer = await PostAsync(new
        {
            type = "reply", from = lead.Email, subject, message_id = NewId(), in_reply_to = message.MessageId,
            headers = new Dictionary<string, string> { [header] = value },
        });

        ShouldBe(answer, matched: true, "out_of_office", lead.Id, message.Id);
        var state = await StateAsync(lead, sequence);
        state["status"]!.GetValue<string>().Should().Be("active");
        state["emails_replied"]!.GetValue<int>().Should().Be(0, "an auto-reply is not a reply");
        (await EventsAsync(lead)).Select(e => e.Type).Should().Contain(EngagementType.OutOfOffice).And.NotContain(EngagementType.Replied);
    }

    [Fact]
    public async Task A_hard_bounce_stops_and_suppresses_the_lead()
    {
        var (lead, sequence, message) = await MailedLeadAsync();

        var answer = await PostAsync(new
        {
            type = "bounce", from = "MAILER-DAEMON@mx.example.net", subject = "Undelivered Mail Returned to Sender", message_id = NewId(),
            headers = new Dictionary<string, string> { ["Original-Message-ID"] = message.MessageId, ["Status"] = "5.1.1", ["Final-Recipient"] = $"rfc822; {lead.Email}" },
        });

        ShouldBe(answer, matched: true, "bounced", lead.Id, message.Id);
        var state = await StateAsync(lead, sequence);
        state["status"]!.GetValue<string>().Should().Be("stopped");
        state["stopped_reason"]!.GetValue<string>().Should().Be("bounced");
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email && s.Reason == "bounced"))).Should().Be(1);
        (await DbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).BouncedAt.Should().NotBeNull();
        (await EventsAsync(lead)).Single(e => e.Type == EngagementType.Bounced).Metadata.Should().Contain("status", "5.1.1");
    }

    [Fact]
    public async Task A_bounce_naming_only_the_recipient_matches_by_that_address()
    {
        var (lead, sequence, message) = await MailedLeadAsync();

        var answer = await PostAsync(new { type = "bounce", from = lead.Email, message_id = NewId() });

        ShouldBe(answer, matched: true, "bounced", lead.Id, message.Id);
        (await StateAsync(lead, sequence))["stopped_reason"]!.GetValue<string>().Should().Be("bounced");
    }

    [Fact]
    public async Task Three_soft_bounces_in_a_row_count_as_a_hard_one()
    {
        var (lead, sequence, message) = await MailedLeadAsync();
        object SoftBounce() => new
        {
            type = "bounce", from = "postmaster@mx.example.net", message_id = NewId(), in_reply_to = message.MessageId,
            headers = new Dictionary<string, string> { ["Status"] = "4.2.2", ["Action"] = "delayed" },
        };

        ShouldBe(await PostAsync(SoftBounce()), matched: true, "soft_bounced", lead.Id);
        ShouldBe(await PostAsync(SoftBounce()), matched: true, "soft_bounced", lead.Id);
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("active", "two soft bounces may still pass");

        ShouldBe(await PostAsync(SoftBounce()), matched: true, "bounced", lead.Id);
        var state = await StateAsync(lead, sequence);
        state["status"]!.GetValue<string>().Should().Be("stopped");
        state["stopped_reason"]!.GetValue<string>().Should().Be("bounced");
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email))).Should().Be(1);
        var types = (await EventsAsync(lead)).Select(e => e.Type).ToList();
        types.Count(t => t == EngagementType.SoftBounced).Should().Be(3);
        types.Count(t => t == EngagementType.Bounced).Should().Be(1);
    }

    [Fact]
    public async Task Another_tenants_message_id_or_lead_matches_nothing()
    {
        var (lead, sequence, message) = await MailedLeadAsync();

        var answer = await PostAsync(new { type = "reply", from = lead.Email, message_id = NewId(), in_reply_to = message.MessageId }, B);
        ShouldBe(answer, matched: false, "none");
        var bounce = await PostAsync(new { type = "bounce", from = lead.Email, message_id = NewId(), headers = new Dictionary<string, string> { ["Original-Message-ID"] = message.MessageId } }, B);
        ShouldBe(bounce, matched: false, "none");

        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("active");
        (await EventsAsync(lead)).Select(e => e.Type).Should().Equal(EngagementType.Sent);
    }

    [Theory]
    [InlineData("""{"from": "a@example.com"}""", "type")]
    [InlineData("""{"type": "complaint", "from": "a@example.com"}""", "type")]
    [InlineData("""{"type": "reply"}""", "from")]
    [InlineData("""{"type": "reply", "from": "  "}""", "from")]
    [InlineData("""{"type": "bounce", "from": "not an address"}""", "from")]
    [InlineData("""{"type": "reply", "from": "a@example.com", "references": 42}""", "references")]
    [InlineData("""{"type": "reply", "from": "a@example.com", "headers": ["x"]}""", "headers")]
    public async Task Bad_input_answers_400_naming_the_field(string json, string field) =>
        await ExpectProblemAsync(await A.PostRawAsync(Url, json), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task The_webhook_needs_a_tenant_key()
    {
        var anonymous = App.CreateClient();
        var response = await anonymous.PostJsonAsync(Url, new { type = "reply", from = "a@example.com" });
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_mail_clients_unsubscribe_mail_with_the_signed_token_unsubscribes_and_a_forged_or_foreign_one_does_not()
    {
        var (lead, sequence, message) = await MailedLeadAsync();
        var header = MailsTo(lead).Single().Headers["List-Unsubscribe"] ?? "";
        var token = System.Text.RegularExpressions.Regex.Match(header, "/u/([A-Za-z0-9_-]+)>").Groups[1].Value;
        token.Should().NotBeEmpty(header);
        object Mail(string subject) => new
        {
            type = "reply", from = "someone-else@example.net", to = "unsubscribe@tenant-a.test", subject, message_id = NewId(), text = "",
            headers = new Dictionary<string, string>(),
        };

        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        ShouldBe(await PostAsync(Mail($"unsubscribe {forged}")), matched: false, "none");
        ShouldBe(await PostAsync(Mail($"unsubscribe {token}"), B), matched: false, "none");
        (await StateAsync(lead, sequence))["status"]!.GetValue<string>().Should().Be("active", "neither a forged token nor another workspace's call unsubscribes");

        ShouldBe(await PostAsync(Mail($"Fwd: Unsubscribe {token}")), matched: true, "unsubscribed", lead.Id, message.Id);

        var state = await StateAsync(lead, sequence);
        (state["status"]!.GetValue<string>(), state["stopped_reason"]!.GetValue<string>()).Should().Be(("stopped", "unsubscribed"));
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == lead.Email && s.Reason == "unsubscribed"))).Should().Be(1);
        (await EventsAsync(lead.Id)).Should().ContainSingle(e => e.Type == EngagementType.Unsubscribed).Which.Metadata.Should().Contain("via", "mailto");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteInboundWebhookTests(SqliteEngineApp app) : InboundWebhookTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresInboundWebhookTests(PostgresEngineApp app) : InboundWebhookTests(app), IClassFixture<PostgresEngineApp>;
