using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Leads;

namespace Sequences.Tests.Web;

/// <summary>Erasing many leads: chunks with progress, leads a pass holds left alone, other tenants untouched.</summary>
public sealed class LeadEraserTests : DashboardTestBase
{
    [Fact]
    public async Task Erases_in_chunks_reports_progress_and_leaves_held_and_foreign_leads_alone()
    {
        var sequence = await Seed.SequenceAsync(Context.TenantA);
        var ids = new List<Guid>();
        await Context.AsTenantAsync(Context.TenantA, async services =>
        {
            var leads = services.GetRequiredService<LeadService>();
            for (var i = 0; i < LeadEraser.ChunkSize + 50; i++)
                ids.Add((await leads.CreateAsync(new Sequences.Core.Leads.LeadInput { Email = $"many{i}@example.com" })).Id);
        });
        var held = ids[7];
        await Seed.EnrollAsync(Context.TenantA, held, sequence.Id);
        await Seed.WithDbAsync(Context.TenantA, db => db.LeadSequenceStates.Where(s => s.LeadId == held)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, "a-pass").SetProperty(s => s.LeaseUntil, Context.Clock.GetUtcNow().UtcDateTime.AddMinutes(5))));
        var theirs = await Seed.LeadAsync(Context.TenantB, "theirs@example.com");
        var progress = new List<int>();

        EraseResult? result = null;
        await Context.AsTenantAsync(Context.TenantA, async services => result = await services.GetRequiredService<LeadEraser>()
            .EraseAsync([.. ids, theirs.Id], suppress: true, done =>
            {
                progress.Add(done);
                return Task.CompletedTask;
            }));

        result.Should().Be(new EraseResult(ids.Count - 1, 1));
        progress.Should().Equal(LeadEraser.ChunkSize, ids.Count + 1);
        (await Seed.QueryAsync(Context.TenantA, db => db.Leads.Select(l => l.Id).ToListAsync())).Should().Equal(held);
        (await Seed.QueryAsync(Context.TenantA, db => db.Suppressions.CountAsync())).Should().Be(ids.Count - 1);
        (await Seed.QueryAsync(Context.TenantB, db => db.Leads.CountAsync())).Should().Be(1, "another tenant's lead is invisible, so untouched");
    }
}
