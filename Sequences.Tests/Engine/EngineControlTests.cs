using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Tracking;
using Sequences.Infrastructure.Engine;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>What admins do with running sequences: lifecycle, lead control, campaigns, auto-stop, branching, actions.</summary>
public abstract class EngineControlTests(SequencesApp app) : EngineTestBase(app)
{
    [Fact]
    public async Task Lifecycle_refuses_illegal_transitions_and_start_lists_every_problem()
    {
        var broken = await CreateSequenceAsync(A, "Broken", new { step_type = "email", subject_line = "", body_html = "{{ lead.x" });
        var start = await A.PostAsync($"/api/sequences/{Id(broken)}/start", null);
        var problem = await ExpectProblemAsync(start, HttpStatusCode.UnprocessableEntity);
        problem["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).Should().Contain(["empty_email", "template_syntax"]);
        (await JsonAsync(await A.GetAsync($"/api/sequences/{Id(broken)}")))["status"]!.GetValue<string>().Should().Be("draft");

        var sequence = await CreateSequenceAsync(A, "Fine", Email());
        await ExpectProblemAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/resume", null), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/pause", null), HttpStatusCode.Conflict);
        (await JsonAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/start", null)))["status"]!.GetValue<string>().Should().Be("active");
        await ExpectProblemAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/start", null), HttpStatusCode.Conflict);
        (await JsonAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/pause", null)))["status"]!.GetValue<string>().Should().Be("paused");
        (await JsonAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/resume", null)))["status"]!.GetValue<string>().Should().Be("active");

        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/assign-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await A.DeleteAsync($"/api/sequences/{Id(sequence)}"), HttpStatusCode.Conflict);
        (await JsonAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/archive", null)))["status"]!.GetValue<string>().Should().Be("archived");
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{(await LeadAsync(A)).Id}/assign-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.Conflict);
        var name = $"Archived {Guid.NewGuid():N}"[..17];
        await ExpectProblemAsync(await A.PostJsonAsync("/api/campaigns", new { name, sequence_id = Id(sequence) }), HttpStatusCode.Conflict);
        (await JsonAsync(await A.GetAsync($"/api/campaigns?q={name}")))["total"]!.GetValue<int>().Should().Be(0, "a refused campaign is not stored");
    }

    [Fact]
    public async Task A_paused_sequence_sends_nothing_and_resumes_inside_the_window()
    {
        // Business hours in New York; the fake clock starts on a Monday at 08:00 UTC, 04:00 in New York.
        var sequence = await StartedSequenceAsync(new { timezone = "America/New_York" }, new { step_type = "email", subject_line = "Windowed", body_text = "b" });
        var lead = await LeadAsync(A);
        var enrolled = await EnrollAsync(A, lead, Id(sequence));
        var due = DateTime.Parse(enrolled["next_action_at"]!.GetValue<string>()).ToUniversalTime();
        due.TimeOfDay.Should().Be(TimeSpan.FromHours(13), "09:00 in New York (EDT) is 13:00 UTC");
        enrolled["timezone"]!.GetValue<string>().Should().Be("America/New_York");

        await ExpectAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/pause", null), HttpStatusCode.OK);
        App.Clock.SetUtcNow(new DateTimeOffset(due.AddHours(1)));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty("a paused sequence's leads are not claimed");
        (await JsonAsync(await A.GetAsync("/api/sequences/queue-status")))["due"]!.GetValue<int>().Should().Be(0, "paused sequences' leads are not due");

        App.Clock.SetUtcNow(new DateTimeOffset(due.AddHours(10))); // 19:00 in New York: outside the window
        await ExpectAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/resume", null), HttpStatusCode.OK);
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty("overdue mail still waits for the window");
        var state = await StateAsync(lead, Id(sequence));
        DateTime.Parse(state["next_action_at"]!.GetValue<string>()).ToUniversalTime().Should().Be(due.AddDays(1));

        App.Clock.SetUtcNow(new DateTimeOffset(due.AddDays(1)));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle();
    }

    [Fact]
    public async Task A_corrected_time_zone_moves_the_scheduled_email_into_the_leads_new_business_hours()
    {
        // On a Monday at 08:00 UTC (the tests share the clock), a lead in New York is due at 09:00 there, 13:00 UTC.
        var now = App.Clock.GetUtcNow();
        App.Clock.SetUtcNow(new DateTimeOffset(now.UtcDateTime.Date.AddDays(((int)DayOfWeek.Monday - (int)now.DayOfWeek + 7) % 7 + 7).AddHours(8), TimeSpan.Zero));
        var sequence = await StartedSequenceAsync(new { }, new { step_type = "email", subject_line = "Windowed", body_text = "b" });
        var lead = await LeadAsync(A, timezone: "America/New_York");
        var imported = await LeadAsync(A, timezone: "America/New_York");
        var enrolled = await EnrollAsync(A, lead, Id(sequence));
        await EnrollAsync(A, imported, Id(sequence));
        var due = DateTime.Parse(enrolled["next_action_at"]!.GetValue<string>()).ToUniversalTime();
        due.TimeOfDay.Should().Be(TimeSpan.FromHours(13));

        // Both leads are really in Tokyo, where 13:00 UTC is 22:00: their email moves to 09:00 on Tuesday there, 00:00 UTC.
        // One is corrected on its own, the other by a CSV import that updates stored leads.
        await ExpectAsync(await A.PutJsonAsync($"/api/leads/{lead.Id}", new { email = lead.Email, first_name = "Ada", timezone = "Asia/Tokyo" }), HttpStatusCode.OK);
        await ExpectAsync(await A.PostCsvAsync("/api/leads/import?update_existing=true", $"email,timezone\n{imported.Email},Asia/Tokyo\n"), HttpStatusCode.OK);
        var tokyoMorning = due.Date.AddDays(1);
        foreach (var corrected in new[] { lead, imported })
        {
            DateTime.Parse((await StateAsync(corrected, Id(sequence)))["next_action_at"]!.GetValue<string>()).ToUniversalTime().Should().Be(tokyoMorning);
            (await LogAsync(corrected)).Should().Contain(l => l.ActionType == "send_deferred" && l.Metadata["until"] == tokyoMorning.ToString("yyyy-MM-ddTHH:mm:ssZ")
                                                              && l.Metadata["reason"].Contains("Asia/Tokyo"));
        }

        App.Clock.SetUtcNow(new DateTimeOffset(due));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty("22:00 in Tokyo is outside the lead's business hours");
        MailsTo(imported).Should().BeEmpty();

        App.Clock.SetUtcNow(new DateTimeOffset(tokyoMorning));
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle();
        MailsTo(imported).Should().ContainSingle();
    }

    [Fact]
    public async Task Deleting_a_lead_erases_its_history_and_can_block_its_address()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "One", body_text = "b" }, new { step_type = "email", subject_line = "Two", body_text = "b", delay_days = 3 });
        var (lead, other) = (await LeadAsync(A), await LeadAsync(A));
        await EnrollAsync(A, lead, Id(sequence));
        await EnrollAsync(A, other, Id(sequence));
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = $"Erase {Guid.NewGuid():N}"[..16] }));
        await ExpectAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = new[] { lead.Id, other.Id } }), HttpStatusCode.OK);
        await ProcessAsync();
        MailsTo(lead).Should().ContainSingle();
        (await SentAsync(sequence)).Should().Be(2);

        await ExpectProblemAsync(await B.DeleteAsync($"/api/leads/{lead.Id}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.DeleteAsync($"/api/leads/{lead.Id}?suppress=yes"), HttpStatusCode.BadRequest, "suppress");
        // A lead a pass holds right now is refused, and nothing of it is erased.
        await DbAsync(db => db.LeadSequenceStates.Where(s => s.LeadId == other.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, "other-host").SetProperty(s => s.LeaseUntil, App.Clock.GetUtcNow().UtcDateTime.AddMinutes(5))));
        await ExpectProblemAsync(await A.DeleteAsync($"/api/leads/{other.Id}"), HttpStatusCode.Conflict);
        (await A.GetAsync($"/api/leads/{other.Id}/sequence-state")).StatusCode.Should().Be(HttpStatusCode.OK);

        await ExpectAsync(await A.DeleteAsync($"/api/leads/{lead.Id}?suppress=true"), HttpStatusCode.NoContent);

        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{lead.Id}"), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await A.GetAsync($"/api/leads/{lead.Id}/sequence-state"), HttpStatusCode.NotFound);
        var left = await DbAsync(async db => (
            await db.OutboundMessages.CountAsync(m => m.LeadId == lead.Id), await db.EngagementEvents.CountAsync(e => e.LeadId == lead.Id),
            await db.ExecutionLog.CountAsync(l => l.LeadId == lead.Id), await db.LeadSequenceStates.CountAsync(s => s.LeadId == lead.Id),
            await db.CampaignLeads.CountAsync(c => c.LeadId == lead.Id)));
        left.Should().Be((0, 0, 0, 0, 0));
        (await MessagesAsync(other)).Should().ContainSingle("the other lead keeps its history");
        (await SentAsync(sequence)).Should().Be(1);
        (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["lead_count"]!.GetValue<int>().Should().Be(1);

        // Blocked: the address can come back as a lead, but is never enrolled or mailed.
        var again = await JsonAsync(await A.PostJsonAsync("/api/leads", new { email = lead.Email }));
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{Id(again)}/assign-sequence", new { sequence_id = Id(sequence) }), HttpStatusCode.Conflict);
        await ExpectProblemAsync(await A.DeleteAsync($"/api/leads/{lead.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Removing_a_lead_from_a_campaign_stops_only_what_it_entered_through_the_campaign()
    {
        var viaCampaign = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Campaign", body_text = "b", delay_days = 2 });
        var direct = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Direct", body_text = "b", delay_days = 2 });
        var (lead, other) = (await LeadAsync(A), await LeadAsync(A));
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = $"Remove {Guid.NewGuid():N}"[..16], sequence_id = Id(viaCampaign) }));
        await ExpectAsync(await A.PostJsonAsync($"/api/campaigns/{Id(campaign)}/leads", new { lead_ids = new[] { lead.Id, other.Id } }), HttpStatusCode.OK);
        await EnrollAsync(A, lead, Id(direct));
        (await StateAsync(lead, Id(viaCampaign)))["status"]!.GetValue<string>().Should().Be("active");

        await ExpectProblemAsync(await B.DeleteAsync($"/api/campaigns/{Id(campaign)}/leads/{lead.Id}"), HttpStatusCode.NotFound);
        await DbAsync(db => db.LeadSequenceStates.Where(s => s.LeadId == other.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, "other-host").SetProperty(s => s.LeaseUntil, App.Clock.GetUtcNow().UtcDateTime.AddMinutes(5))));
        await ExpectProblemAsync(await A.DeleteAsync($"/api/campaigns/{Id(campaign)}/leads/{other.Id}"), HttpStatusCode.Conflict);
        (await LeadCountAsync()).Should().Be(2, "a refused removal changes nothing");

        await ExpectAsync(await A.DeleteAsync($"/api/campaigns/{Id(campaign)}/leads/{lead.Id}"), HttpStatusCode.NoContent);

        (await LeadCountAsync()).Should().Be(1);
        var stopped = await StateAsync(lead, Id(viaCampaign));
        (stopped["status"]!.GetValue<string>(), stopped["stopped_reason"]!.GetValue<string>()).Should().Be(("stopped", "removed"));
        (await StateAsync(lead, Id(direct)))["status"]!.GetValue<string>().Should().Be("active", "it entered that sequence on its own");
        (await LogAsync(lead)).Should().Contain(l => l.ActionType == "removed" && l.Metadata["campaign_id"] == Id(campaign).ToString());
        await ExpectAsync(await A.GetAsync($"/api/leads/{lead.Id}"), HttpStatusCode.OK);
        await ExpectProblemAsync(await A.DeleteAsync($"/api/campaigns/{Id(campaign)}/leads/{lead.Id}"), HttpStatusCode.NotFound);

        async Task<int> LeadCountAsync() => (await JsonAsync(await A.GetAsync($"/api/campaigns/{Id(campaign)}")))["lead_count"]!.GetValue<int>();
    }

    private async Task<int> SentAsync(JsonObject sequence) =>
        (await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/analytics")))["totals"]!["sent"]!.GetValue<int>();

    [Fact]
    public async Task A_lead_can_be_paused_resumed_and_skipped_and_each_is_logged()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "One", body_text = "b", delay_days = 1 },
            new { step_type = "email", subject_line = "Two", body_text = "b", delay_days = 1 });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        var body = new { sequence_id = Id(sequence) };

        (await JsonAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/pause-sequence", body)))["status"]!.GetValue<string>().Should().Be("paused");
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/pause-sequence", body), HttpStatusCode.Conflict);
        App.Clock.Advance(TimeSpan.FromDays(1));
        await ProcessAsync();
        MailsTo(lead).Should().BeEmpty();

        (await JsonAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/resume-sequence", body)))["status"]!.GetValue<string>().Should().Be("active");
        var skipped = await JsonAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/skip-step", body));
        skipped["current_step_order"]!.GetValue<int>().Should().Be(2);
        skipped["recent_log"]!.AsArray().Select(l => l!["action_type"]!.GetValue<string>()).Should().Contain(["paused", "resumed", "step_skipped"]);

        App.Clock.Advance(TimeSpan.FromDays(1));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("Two");
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{lead.Id}/pause-sequence", new { sequence_id = Guid.NewGuid() }), HttpStatusCode.BadRequest, "sequence_id");
    }

    [Fact]
    public async Task Campaign_criteria_enroll_only_matching_leads_now_and_later_until_removed()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "VPs only", body_text = "b", delay_days = 1 });
        var vp = await LeadAsync(A, title: "VP Sales");
        var trialVp = await LeadAsync(A, title: "VP Marketing", tags: ["trial"]);
        var intern = await LeadAsync(A, title: "Intern", tags: ["trial"]);
        var campaign = await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "Criteria" }));
        var cid = Id(campaign);
        await A.PostJsonAsync($"/api/campaigns/{cid}/leads", new { lead_ids = new[] { vp.Id, trialVp.Id, intern.Id } });

        var assigned = await JsonAsync(await A.PostJsonAsync($"/api/campaigns/{cid}/assign-sequence", new
        {
            sequence_id = Id(sequence),
            enroll_existing = true,
            criteria = new object[] { new { field = "title", op = "contains", value = "vp" }, new { field = "tags", op = "includes", value = "trial" } },
        }));
        assigned["enrollment"]!["enrolled"]!.GetValue<int>().Should().Be(1);
        assigned["enrollment"]!["not_matching"]!.GetValue<int>().Should().Be(2);
        JsonNode.Parse(await A.GetStringAsync($"/api/leads/{trialVp.Id}/sequence-state"))!.AsArray().Should().ContainSingle();
        JsonNode.Parse(await A.GetStringAsync($"/api/leads/{vp.Id}/sequence-state"))!.AsArray().Should().BeEmpty();

        var later = await LeadAsync(A, title: "VP Ops", tags: ["trial"]);
        (await JsonAsync(await A.PostJsonAsync($"/api/campaigns/{cid}/leads", new { lead_ids = new[] { later.Id } })))["enrolled"]!.GetValue<int>().Should().Be(1);
        var listed = JsonNode.Parse(await A.GetStringAsync($"/api/campaigns/{cid}/sequences"))!["items"]!.AsArray();
        listed.Should().ContainSingle();

        await ExpectAsync(await A.DeleteAsync($"/api/campaigns/{cid}/sequences/{Id(sequence)}"), HttpStatusCode.NoContent);
        var afterRemoval = await LeadAsync(A, title: "VP Finance", tags: ["trial"]);
        (await JsonAsync(await A.PostJsonAsync($"/api/campaigns/{cid}/leads", new { lead_ids = new[] { afterRemoval.Id } })))["enrolled"]!.GetValue<int>().Should().Be(0);
        JsonNode.Parse(await A.GetStringAsync($"/api/leads/{later.Id}/sequence-state"))!.AsArray().Should().ContainSingle("enrolled leads go on");

        await ExpectProblemAsync(await A.PostJsonAsync($"/api/campaigns/{cid}/assign-sequence", new { sequence_id = Id(sequence), criteria = new object[] { new { field = "shoe_size", op = "equals", value = "9" } } }),
            HttpStatusCode.BadRequest, "criteria[0].field");
    }

    [Fact]
    public async Task An_opener_and_a_non_opener_take_different_paths()
    {
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "email", subject_line = "Intro", body_text = "b" },
            new { step_type = "condition", condition_type = "if_opened", delay_days = 2, condition_value = new { on_false = "00000000-0000-0000-0000-0000000000b2" } },
            new { step_type = "email", subject_line = "Thanks for reading", body_text = "b" },
            new { step_type = "action", action_type = "update_status", action_config = new { status = "engaged" } },
            new { id = Guid.Parse("00000000-0000-0000-0000-0000000000b2"), step_type = "email", subject_line = "Did you see this?", body_text = "b" });
        var opener = await LeadAsync(A);
        var silent = await LeadAsync(A);
        await EnrollAsync(A, opener, Id(sequence));
        await EnrollAsync(A, silent, Id(sequence));
        await ProcessAsync();

        var message = (await MessagesAsync(opener)).Single();
        await Record(opener, EngagementType.Opened, message.Id);
        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();

        MailsTo(opener).Select(m => m.Subject).Should().Equal("Intro", "Thanks for reading", "Did you see this?");
        MailsTo(silent).Select(m => m.Subject).Should().Equal("Intro", "Did you see this?");
        (await JsonAsync(await A.GetAsync($"/api/leads/{opener.Id}")))["status"]!.GetValue<string>().Should().Be("engaged");
        (await StateAsync(opener, Id(sequence)))["emails_opened"]!.GetValue<int>().Should().Be(1);
        (await LogAsync(silent)).Should().Contain(l => l.ActionType == "condition_evaluated" && l.Metadata["result"] == "false");
    }

    [Fact]
    public async Task A_reply_stops_every_enrollment_of_the_lead_and_an_unsubscribe_suppresses_the_address()
    {
        var first = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "A", body_text = "b" }, new { step_type = "email", subject_line = "A2", body_text = "b", delay_days = 1 });
        var second = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "B", body_text = "b", delay_days = 1 });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(first));
        await EnrollAsync(A, lead, Id(second));
        await ProcessAsync();

        await Record(lead, EngagementType.Replied, (await MessagesAsync(lead)).Single().Id);

        foreach (var s in new[] { first, second })
        {
            var state = await StateAsync(lead, Id(s));
            state["status"]!.GetValue<string>().Should().Be("stopped");
            state["stopped_reason"]!.GetValue<string>().Should().Be("replied");
        }
        App.Clock.Advance(TimeSpan.FromDays(2));
        await ProcessAsync();
        MailsTo(lead).Select(m => m.Subject).Should().Equal("A");

        var other = await LeadAsync(A);
        await Record(other, EngagementType.Unsubscribed, null);
        (await DbAsync(db => db.Suppressions.CountAsync(s => s.Email == other.Email))).Should().Be(1);
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/leads/{other.Id}/assign-sequence", new { sequence_id = Id(second) }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Actions_tag_notify_and_post_a_signed_webhook()
    {
        await using var hook = new WebhookReceiver();
        var sequence = await StartedSequenceAsync(null,
            new { step_type = "action", action_type = "tag_lead", action_config = new { tag = "hot" } },
            new { step_type = "action", action_type = "notify_user", action_config = new { message = "Call them" } },
            new { step_type = "action", action_type = "webhook", action_config = new { url = hook.Url } });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));

        await ProcessAsync();

        (await JsonAsync(await A.GetAsync($"/api/leads/{lead.Id}")))["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain("hot");
        (await DbAsync(db => db.Notifications.CountAsync(n => n.LeadId == lead.Id && n.Message == "Call them"))).Should().Be(1);
        var request = hook.Requests.Should().ContainSingle().Subject;
        var secret = await DbAsync(db => db.Tenants.Where(t => t.Id == db.CurrentTenantId).Select(t => t.WebhookSecret).SingleAsync());
        request.Signature.Should().Be(ActionRunner.Sign(secret, request.Body));
        JsonNode.Parse(request.Body)!["lead"]!["email"]!.GetValue<string>().Should().Be(lead.Email);
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("completed");
    }

    [Fact]
    public async Task The_simulator_shows_the_timeline_without_storing_or_sending_anything()
    {
        var sequence = await CreateSequenceAsync(A, "Simulated",
            new { step_type = "email", subject_line = "Intro", body_text = "b" },
            new { step_type = "condition", condition_type = "if_replied", delay_days = 3 },
            new { step_type = "email", subject_line = "Nudge", body_text = "b", send_time = "10:00" });
        var intro = Id(Steps(sequence)[0]!);
        var before = App.Smtp.Messages.Count;

        var quiet = await JsonAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new
        {
            lead = new { email = "x@example.com", timezone = "Asia/Kolkata" },
            start_at = "2026-06-01T03:00:00Z",
            horizon_days = 30,
        }));
        var timeline = quiet["timeline"]!.AsArray();
        timeline.Where(e => e!["action"]!.GetValue<string>() == "email_sent").Select(e => e!["at"]!.GetValue<string>())
            .Should().Equal("2026-06-01T03:30:00Z", "2026-06-04T04:30:00Z");

        var replied = await JsonAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new
        {
            lead = new { timezone = "Asia/Kolkata" },
            start_at = "2026-06-01T03:00:00Z",
            events = new[] { new { type = "replied", after_step_id = intro, after_hours = 5 } },
        }));
        replied["timeline"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "email_sent").Should().Be(1);
        replied["timeline"]!.AsArray().Last()!["reason"]!.GetValue<string>().Should().Be("replied", "a reply stops the sequence when it arrives");

        App.Smtp.Messages.Count.Should().Be(before);
        (await DbAsync(db => db.LeadSequenceStates.CountAsync(s => s.SequenceId == Id(sequence)))).Should().Be(0);
        await ExpectProblemAsync(await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new { lead = new { timezone = "Moon/Base" } }), HttpStatusCode.BadRequest, "lead.timezone");
    }

    [Fact]
    public async Task Queue_status_counts_due_and_scheduled_and_reports_the_last_pass()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Q", body_text = "b", delay_days = 1 });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        var status = await JsonAsync(await A.GetAsync("/api/sequences/queue-status"));
        status["scheduled"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);

        App.Clock.Advance(TimeSpan.FromDays(1));
        var due = await JsonAsync(await A.GetAsync("/api/sequences/queue-status"));
        due["due"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        due["lag_seconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);

        var pass = await ProcessAsync();
        var after = await JsonAsync(await A.GetAsync("/api/sequences/queue-status"));
        after["due"]!.GetValue<int>().Should().Be(0);
        after["last_pass"]!["emails_sent"]!.GetValue<int>().Should().Be(pass["emails_sent"]!.GetValue<int>());
        (await JsonAsync(await B.GetAsync("/api/sequences/queue-status")))["scheduled"]!.GetValue<int>().Should().Be(0, "tenant B has nothing queued");
    }

    [Fact]
    public async Task After_the_schedulers_pass_over_every_tenant_each_tenant_sees_only_its_own_figures()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Q", body_text = "b" });
        await EnrollAsync(A, await LeadAsync(A), Id(sequence));

        var pass = await App.Services.GetRequiredService<QueuePass>().RunAsync(null);

        pass.EmailsSent.Should().BeGreaterThanOrEqualTo(1);
        var mine = (await JsonAsync(await A.GetAsync("/api/sequences/queue-status")))["last_pass"]!;
        var theirs = (await JsonAsync(await B.GetAsync("/api/sequences/queue-status")))["last_pass"]!;
        mine["emails_sent"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        theirs["started_at"]!.GetValue<DateTime>().Should().Be(mine["started_at"]!.GetValue<DateTime>(), "both were covered by the same pass");
        (theirs["processed"]!.GetValue<int>(), theirs["emails_sent"]!.GetValue<int>(), theirs["failed"]!.GetValue<int>())
            .Should().Be((0, 0, 0), "tenant B had nothing due and must not see tenant A's volume");
    }

    [Fact]
    public async Task Another_tenants_enrollments_and_campaigns_are_404()
    {
        var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "Mine", body_text = "b", delay_days = 1 });
        var lead = await LeadAsync(A);
        await EnrollAsync(A, lead, Id(sequence));
        var campaign = Id(await JsonAsync(await A.PostJsonAsync("/api/campaigns", new { name = "A's" })));
        var body = new { sequence_id = Id(sequence) };
        var calls = new (string, Func<Task<HttpResponseMessage>>)[]
        {
            ("start", () => B.PostAsync($"/api/sequences/{Id(sequence)}/start", null)),
            ("pause", () => B.PostAsync($"/api/sequences/{Id(sequence)}/pause", null)),
            ("archive", () => B.PostAsync($"/api/sequences/{Id(sequence)}/archive", null)),
            ("progress", () => B.GetAsync($"/api/sequences/{Id(sequence)}/progress")),
            ("simulate", () => B.PostJsonAsync($"/api/sequences/{Id(sequence)}/simulate", new { })),
            ("assign", () => B.PostJsonAsync($"/api/leads/{lead.Id}/assign-sequence", body)),
            ("pause lead", () => B.PostJsonAsync($"/api/leads/{lead.Id}/pause-sequence", body)),
            ("resume lead", () => B.PostJsonAsync($"/api/leads/{lead.Id}/resume-sequence", body)),
            ("skip", () => B.PostJsonAsync($"/api/leads/{lead.Id}/skip-step", body)),
            ("state", () => B.GetAsync($"/api/leads/{lead.Id}/sequence-state")),
            ("campaign assign", () => B.PostJsonAsync($"/api/campaigns/{campaign}/assign-sequence", body)),
            ("campaign sequences", () => B.GetAsync($"/api/campaigns/{campaign}/sequences")),
            ("campaign remove", () => B.DeleteAsync($"/api/campaigns/{campaign}/sequences/{Id(sequence)}")),
        };
        foreach (var (name, call) in calls) (await call()).StatusCode.Should().Be(HttpStatusCode.NotFound, name);

        var leadOfB = await LeadAsync(B);
        await ExpectProblemAsync(await B.PostJsonAsync($"/api/leads/{leadOfB.Id}/assign-sequence", body), HttpStatusCode.BadRequest, "sequence_id");
        await ProcessAsync(B);
        (await StateAsync(lead, Id(sequence)))["status"]!.GetValue<string>().Should().Be("active");
        var progress = await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}/progress"));
        progress["total"]!.GetValue<int>().Should().Be(1);
        progress["by_status"]!["active"]!.GetValue<int>().Should().Be(1);
        progress["by_step"]![0]!["leads"]!.GetValue<int>().Should().Be(1);
    }

    private Task Record(TestLead lead, EngagementType type, Guid? messageId) =>
        App.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var tenant = sp.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value;
            return await sp.GetRequiredService<EngagementRecorder>().RecordAsync(new EngagementInput(tenant, lead.Id, type, messageId));
        });
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteEngineControlTests(SqliteEngineApp app) : EngineControlTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresEngineControlTests(PostgresEngineApp app) : EngineControlTests(app), IClassFixture<PostgresEngineApp>;
