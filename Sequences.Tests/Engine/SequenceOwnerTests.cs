using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Mail;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Identity;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Engine;

/// <summary>A sequence sends from its owner's mailbox; handing it to a teammate moves its next emails to theirs.</summary>
public abstract class SequenceOwnerTests(SequencesApp app) : EngineTestBase(app)
{
    private Task<T> AsAdminAsync<T>(string adminEmail, Func<TeamService, Guid, Guid, Task<T>> work) =>
        App.AsTenantAsync(adminEmail, async sp =>
        {
            var tenant = sp.GetRequiredService<ITenantContext>();
            return await work(sp.GetRequiredService<TeamService>(), tenant.TenantId!.Value, tenant.UserId!.Value);
        });

    private Task<NewTeammate> TeammateAsync(string adminEmail = SequencesApp.AdminA) =>
        AsAdminAsync(adminEmail, (team, tenant, _) => team.AddAsync(tenant, $"rep-{Guid.NewGuid():N}@example.test", "Rep"));

    [Fact]
    public async Task A_sequence_handed_to_a_teammate_sends_its_next_emails_from_their_mailbox()
    {
        var rep = await TeammateAsync();
        var from = $"rep-{Guid.NewGuid():N}"[..12] + "@tenant-a.test";
        await DbAsync(async db =>
        {
            db.Mailboxes.Add(new Mailbox { UserId = rep.Member.Id, FromAddress = from, DisplayName = "Rep at Tenant A" });
            await db.SaveChangesAsync();
            return 0;
        });
        try
        {
            var sequence = await StartedSequenceAsync(null, new { step_type = "email", subject_line = "From the rep", body_text = "Best, {{ user.name }}" });
            var before = await LeadAsync(A);
            await EnrollAsync(A, before, Id(sequence));
            await ProcessAsync();
            MailsTo(before).Single().From.Mailboxes.Single().Address.Should().NotBe(from, "the admin who created it owns it");

            var users = await JsonAsync(await A.GetAsync("/api/users"));
            users["items"]!.AsArray().Should().Contain(u => u!["id"]!.GetValue<string>() == rep.Member.Id.ToString()
                && u["mailbox_from"]!.GetValue<string>() == from);
            var owned = await A.PostJsonAsync($"/api/sequences/{Id(sequence)}/owner", new { user_id = rep.Member.Id });
            await ExpectAsync(owned, HttpStatusCode.OK);
            (await JsonAsync(owned))["user_id"]!.GetValue<string>().Should().Be(rep.Member.Id.ToString());

            var after = await LeadAsync(A);
            await EnrollAsync(A, after, Id(sequence));
            await ProcessAsync();
            var mail = MailsTo(after).Single();
            mail.From.Mailboxes.Single().Address.Should().Be(from);
            mail.From.Mailboxes.Single().Name.Should().Be("Rep at Tenant A");
            mail.TextBody.Should().Contain("Best, Rep", "{{ user.name }} is the owner's name");
        }
        finally
        {
            await DbAsync(async db => await db.Mailboxes.Where(m => m.FromAddress == from).ExecuteDeleteAsync());
        }
    }

    [Fact]
    public async Task The_list_names_each_sequence_s_owner_and_filters_by_owner()
    {
        var rep = await TeammateAsync();
        var theirs = await CreateSequenceAsync(A, "The rep's", Email());
        await ExpectAsync(await A.PostJsonAsync($"/api/sequences/{Id(theirs)}/owner", new { user_id = rep.Member.Id }), HttpStatusCode.OK);
        var mine = await CreateSequenceAsync(A, "The admin's", Email());

        var owned = await JsonAsync(await A.GetAsync($"/api/sequences?user_id={rep.Member.Id}"));
        owned["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Should().Equal(Id(theirs).ToString());
        owned["items"]![0]!["owner_name"]!.GetValue<string>().Should().Be("Rep");
        owned["total"]!.GetValue<int>().Should().Be(1);
        var all = await JsonAsync(await A.GetAsync("/api/sequences?page_size=500"));
        all["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == Id(mine).ToString())!["user_id"]!.GetValue<string>()
            .Should().Be(mine["user_id"]!.GetValue<string>());
        await ExpectProblemAsync(await A.GetAsync("/api/sequences?user_id=me"), HttpStatusCode.BadRequest, "user_id");
        (await JsonAsync(await B.GetAsync($"/api/sequences?user_id={rep.Member.Id}")))["total"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task An_owner_must_be_an_active_member_of_the_workspace_and_nothing_changes_otherwise()
    {
        var sequence = await CreateSequenceAsync(A, "Owned", Email());
        var url = $"/api/sequences/{Id(sequence)}/owner";
        var owner = sequence["user_id"]!.GetValue<string>();
        var theirs = await TeammateAsync(SequencesApp.AdminB);
        var rep = await TeammateAsync();
        await AsAdminAsync(SequencesApp.AdminA, (team, tenant, admin) => team.DeactivateAsync(tenant, admin, rep.Member.Id));

        await ExpectProblemAsync(await A.PostJsonAsync(url, new { }), HttpStatusCode.BadRequest, "user_id");
        await ExpectProblemAsync(await A.PostJsonAsync(url, new { user_id = Guid.NewGuid() }), HttpStatusCode.BadRequest, "user_id");
        await ExpectProblemAsync(await A.PostJsonAsync(url, new { user_id = theirs.Member.Id }), HttpStatusCode.BadRequest, "user_id");
        var deactivated = await ExpectProblemAsync(await A.PostJsonAsync(url, new { user_id = rep.Member.Id }), HttpStatusCode.BadRequest, "user_id");
        deactivated.ToJsonString().Should().Contain("deactivated");
        await ExpectProblemAsync(await B.PostJsonAsync(url, new { user_id = theirs.Member.Id }), HttpStatusCode.NotFound);
        (await JsonAsync(await A.GetAsync($"/api/sequences/{Id(sequence)}")))["user_id"]!.GetValue<string>().Should().Be(owner);

        (await JsonAsync(await B.GetAsync("/api/users")))["items"]!.AsArray().Select(u => u!["id"]!.GetValue<string>())
            .Should().Contain(theirs.Member.Id.ToString()).And.NotContain(rep.Member.Id.ToString());

        await ExpectAsync(await A.PostAsync($"/api/sequences/{Id(sequence)}/archive", null), HttpStatusCode.OK);
        var active = await TeammateAsync();
        await ExpectProblemAsync(await A.PostJsonAsync(url, new { user_id = active.Member.Id }), HttpStatusCode.Conflict);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSequenceOwnerTests(SqliteEngineApp app) : SequenceOwnerTests(app), IClassFixture<SqliteEngineApp>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSequenceOwnerTests(PostgresEngineApp app) : SequenceOwnerTests(app), IClassFixture<PostgresEngineApp>;
