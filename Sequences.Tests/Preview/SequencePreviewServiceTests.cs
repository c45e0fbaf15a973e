using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Identity;
using Sequences.Infrastructure.Leads;
using Sequences.Infrastructure.Persistence;
using Sequences.Infrastructure.Sequences;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Preview;

/// <summary>The builder's preview on the real app: rendering with the one template renderer, the simulator's timeline
/// and a test send through the app's SMTP transport to the real sink. Works on unsaved documents.</summary>
[Collection(SqliteCollection.Name)]
public sealed class SequencePreviewServiceTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly Guid Intro = Guid.NewGuid();
    private static readonly Guid Wait = Guid.NewGuid();
    private static readonly Guid Nudge = Guid.NewGuid();

    // An unsaved builder document: ids are the builder's own, the condition routes by them.
    private static SequenceInput Document(string introHtml = "<p>Hi {{ lead.first_name }} from {{ lead.company }}</p>") => new()
    {
        Name = "Draft",
        Steps =
        [
            new StepInput { Id = Intro, StepType = StepType.Email, Name = "Intro", SubjectLine = "Hello {{ lead.first_name }}", BodyHtml = introHtml },
            new StepInput
            {
                Id = Wait, StepType = StepType.Condition, ConditionType = ConditionType.IfReplied, DelayDays = 2,
                ConditionValue = new ConditionValue { OnTrue = "stop", OnFalse = Nudge.ToString() },
            },
            new StepInput { Id = Nudge, StepType = StepType.Email, SubjectLine = "Nudge", BodyHtml = "<p>Still there?</p>", SendTime = "10:00" },
        ],
    };

    [Fact]
    public async Task Renders_each_email_for_a_real_lead_and_sanitises_the_html()
    {
        var lead = await CreateLeadAsync("ada.preview@example.com", "Ada", "Analytical Engines", "Europe/London");
        var html = "<p>Hi {{ lead.first_name }} from {{ lead.company }}</p><script>alert('x')</script><a href=\"javascript:alert(1)\" onclick=\"steal()\">link</a>";

        var preview = await AsAdminAsync(s => s.RenderAsync(Document(html), new PreviewRecipient(lead.Id)));

        preview.Lead.Email.Should().Be("ada.preview@example.com");
        preview.Emails.Select(e => e.StepOrder).Should().Equal(1, 3);
        var intro = preview.Emails[0].Versions.Should().ContainSingle().Subject;
        intro.Subject.Should().Be("Hello Ada");
        intro.Html.Should().Contain("Hi Ada from Analytical Engines");
        intro.Html.Should().NotContain("<script").And.NotContain("alert('x')").And.NotContain("onclick").And.NotContain("javascript:");
        intro.Text.Should().Contain("Hi Ada from Analytical Engines");
        intro.Issues.Should().BeEmpty();
    }

    [Fact]
    public async Task Typed_sample_values_fill_the_variables_and_the_rest_comes_from_the_sample_lead()
    {
        var preview = await AsAdminAsync(s => s.RenderAsync(Document(), new PreviewRecipient(Sample: new LeadInput { FirstName = "Grace" })));

        preview.Emails[0].Versions[0].Subject.Should().Be("Hello Grace");
        preview.Emails[0].Versions[0].Html.Should().Contain("from Acme Corp");
        var bad = () => AsAdminAsync(s => s.RenderAsync(Document(), new PreviewRecipient(Sample: new LeadInput { Timezone = "Moon/Base" })));
        (await bad.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Field == "lead.timezone");
    }

    [Fact]
    public async Task A_same_thread_step_previews_with_the_reply_subject_the_lead_will_see()
    {
        var document = Document();
        document = document with { Steps = [document.Steps![0], document.Steps[1], document.Steps[2] with { SameThread = true }] };

        var preview = await AsAdminAsync(s => s.RenderAsync(document, new PreviewRecipient(Sample: new LeadInput { FirstName = "Grace" })));

        preview.Emails.Select(e => e.Versions[0].Subject).Should().Equal("Hello Grace", "Re: Hello Grace");
    }

    [Fact]
    public async Task Template_problems_come_back_on_the_email_not_as_errors()
    {
        var preview = await AsAdminAsync(s => s.RenderAsync(Document("<p>{{ lead.nickname }} {% if %}</p>"), PreviewRecipient.SampleLead));

        preview.Emails[0].Versions[0].Issues.Select(i => i.Code).Should().Contain("template_syntax");
        preview.Emails[1].Versions[0].Subject.Should().Be("Nudge");
    }

    [Fact]
    public async Task The_timeline_runs_in_the_leads_zone_and_answers_what_ifs()
    {
        // Monday 2026-06-01 12:00 UTC is 08:00 in New York: before the default 09:00-17:00 window.
        var start = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

        var quiet = await AsAdminAsync(s => s.SimulateAsync(Document(), new SimulationRequest("America/New_York", start)));

        quiet.Zone.Id.Should().Be("America/New_York");
        var sends = quiet.Timeline.Where(e => e.Action == "email_sent").ToList();
        sends.Select(e => e.StepId).Should().Equal(Intro, Nudge);
        sends.Select(e => TimeZoneInfo.ConvertTimeFromUtc(e.At, quiet.Zone)).Should().Equal(
            new DateTime(2026, 6, 1, 9, 0, 0), new DateTime(2026, 6, 3, 10, 0, 0));
        sends.Select(e => e.At).Should().Equal(new DateTime(2026, 6, 1, 13, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 3, 14, 0, 0, DateTimeKind.Utc));

        SimulationEventInput[] reply = [new SimulationEventInput("replied", Intro, 5)];
        var replied = await AsAdminAsync(s => s.SimulateAsync(Document(), new SimulationRequest("America/New_York", start, reply)));
        replied.Timeline.Count(e => e.Action == "email_sent").Should().Be(1);
        // Replies stop sequences by default: the enrollment stops when the reply arrives, as the engine's does.
        replied.Timeline[^1].Should().Match<TimelineEntry>(e => e.Action == "stopped" && e.Reason == "replied" && e.At == sends[0].At.AddHours(5));

        var routed = await AsAdminAsync(s => s.SimulateAsync(Document() with { Settings = new SequenceSettings { StopOnReply = false } },
            new SimulationRequest("America/New_York", start, reply)));
        routed.Timeline.Count(e => e.Action == "email_sent").Should().Be(1);
        // Where replies do not stop it, if_replied routes "stop" on true: it completes with the condition as its reason.
        routed.Timeline[^1].Should().Match<TimelineEntry>(e => e.Action == "completed" && e.Reason == "if_replied");

        var unknownStep = () => AsAdminAsync(s => s.SimulateAsync(Document(), new SimulationRequest(Events: [new SimulationEventInput("opened", Guid.NewGuid(), 1)])));
        (await unknownStep.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Field == "events[0].after_step_id");
    }

    [Fact]
    public async Task A_test_send_arrives_at_the_smtp_server_marked_as_a_test_and_is_not_logged_as_a_send()
    {
        var lead = await CreateLeadAsync("lin.preview@example.com", "Lin", "Orbital", null);
        var outboundBefore = await OutboundCountAsync();

        var result = await AsAdminAsync(s => s.TestSendAsync(Document(), Intro, null, "qa@example.com", new PreviewRecipient(lead.Id)));

        result.Sent.Should().BeTrue(result.Message);
        // The sink stores a message before it answers 250, so a sent result means it is there.
        var message = app.Smtp.Messages.Should().ContainSingle(m => m.MessageId == result.MessageId.Trim('<', '>')).Subject;
        message.To.Mailboxes.Select(m => m.Address).Should().Equal("qa@example.com");
        message.Subject.Should().Be("[Test] Hello Lin");
        message.Headers[SequencePreviewService.TestHeader].Should().Be("true");
        message.HtmlBody.Should().Contain("Hi Lin from Orbital");
        (await OutboundCountAsync()).Should().Be(outboundBefore);

        var badAddress = () => AsAdminAsync(s => s.TestSendAsync(Document(), Intro, null, "not an address", PreviewRecipient.SampleLead));
        (await badAddress.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Field == "to");
        var notEmail = () => AsAdminAsync(s => s.TestSendAsync(Document(), Wait, null, "qa@example.com", PreviewRecipient.SampleLead));
        (await notEmail.Should().ThrowAsync<InputRejectedException>()).Which.Issues.Should().Contain(i => i.Field == "step_id");
    }

    [Fact]
    public async Task A_saved_sequence_previews_and_test_sends_as_its_owner_as_the_engine_would_send_it()
    {
        var (ownerId, sequenceId) = await app.AsTenantAsync(SequencesApp.AdminA, async services =>
        {
            var tenant = services.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value;
            var rep = await services.GetRequiredService<TeamService>().AddAsync(tenant, $"owner-{Guid.NewGuid():N}@tenant-a.test", "Olive Owner");
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            db.Mailboxes.Add(new Mailbox { UserId = rep.Member.Id, FromAddress = "olive@tenant-a.test" });
            await db.SaveChangesAsync();
            var saved = await services.GetRequiredService<SequenceService>().CreateAsync(Document());
            await services.GetRequiredService<SequenceService>().SetOwnerAsync(saved.Id, rep.Member.Id);
            return (rep.Member.Id, saved.Id);
        });
        var signed = Document("<p>Best, {{ user.name }} ({{ user.email }})</p>");

        var preview = await AsAdminAsync(s => s.RenderAsync(signed, PreviewRecipient.SampleLead, sequenceId));
        preview.Emails[0].Versions[0].Html.Should().Contain("Best, Olive Owner (");

        var result = await AsAdminAsync(s => s.TestSendAsync(signed, Intro, null, "qa@example.com", PreviewRecipient.SampleLead, sequenceId));
        result.Sent.Should().BeTrue(result.Message);
        var message = app.Smtp.Messages.Single(m => m.MessageId == result.MessageId.Trim('<', '>'));
        message.From.Mailboxes.Single().Address.Should().Be("olive@tenant-a.test");
        message.From.Mailboxes.Single().Name.Should().Be("Olive Owner", "without a display name on the mailbox, the owner's name is the sender's");

        var unsaved = await AsAdminAsync(s => s.RenderAsync(signed, PreviewRecipient.SampleLead));
        unsaved.Emails[0].Versions[0].Html.Should().NotContain("Olive Owner", "an unsaved sequence will be the acting user's");
        ownerId.Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_test_send_goes_through_the_owners_own_smtp_server_as_real_sends_do_and_says_when_it_fails()
    {
        // A port nothing listens on: the owner's own relay refuses the connection, as a mistyped host would fail.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sequenceId = await app.AsTenantAsync(SequencesApp.AdminA, async services =>
        {
            var tenant = services.GetRequiredService<Sequences.Core.Tenants.ITenantContext>().TenantId!.Value;
            var rep = await services.GetRequiredService<TeamService>().AddAsync(tenant, $"relay-{Guid.NewGuid():N}@tenant-a.test", "Rita Relay");
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            db.Mailboxes.Add(new Mailbox { UserId = rep.Member.Id, FromAddress = "rita@tenant-a.test", SmtpHost = "127.0.0.1", SmtpPort = closedPort, SmtpSecurity = "none" });
            await db.SaveChangesAsync();
            var saved = await services.GetRequiredService<SequenceService>().CreateAsync(Document());
            await services.GetRequiredService<SequenceService>().SetOwnerAsync(saved.Id, rep.Member.Id);
            return saved.Id;
        });

        var result = await AsAdminAsync(s => s.TestSendAsync(Document(), Intro, null, "qa@example.com", PreviewRecipient.SampleLead, sequenceId));

        result.Sent.Should().BeFalse("the sequence's mail goes through Rita's server, which is not there");
        result.Message.Should().StartWith("The test email was not sent");
        app.Smtp.Messages.Should().NotContain(m => m.MessageId == result.MessageId.Trim('<', '>'), "not through the app's default relay either");
    }

    private Task<T> AsAdminAsync<T>(Func<SequencePreviewService, Task<T>> work) =>
        app.AsTenantAsync(SequencesApp.AdminA, services => work(services.GetRequiredService<SequencePreviewService>()));

    private Task<Lead> CreateLeadAsync(string email, string firstName, string company, string? timezone) =>
        app.AsTenantAsync(SequencesApp.AdminA, services => services.GetRequiredService<LeadService>()
            .CreateAsync(new LeadInput { Email = email, FirstName = firstName, Company = company, Timezone = timezone }));

    private Task<int> OutboundCountAsync() =>
        app.AsTenantAsync(SequencesApp.AdminA, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return await db.OutboundMessages.CountAsync();
        });
}
