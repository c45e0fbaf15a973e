namespace Sequences.Tests.Web;

/// <summary>A test class of the dashboards: a fresh page context (its own SQLite file, fake clock, two tenants) and
/// the seed that fills it, per test.</summary>
public abstract class DashboardTestBase : IAsyncLifetime
{
    protected PageTestContext Context { get; private set; } = default!;

    protected DashboardSeed Seed { get; private set; } = default!;

    public virtual async Task InitializeAsync()
    {
        Context = await PageTestContext.CreateAsync();
        Seed = new DashboardSeed(Context);
    }

    public virtual async Task DisposeAsync() => await Context.DisposeAsync();
}
