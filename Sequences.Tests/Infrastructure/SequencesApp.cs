using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;
using Sequences.Core.Common;
using Sequences.Infrastructure.Tenants;

namespace Sequences.Tests.Infrastructure;

/// <summary>The real app in-process on one provider, with two bootstrapped tenants (A and B) and their API keys.</summary>
public abstract class SequencesApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string KeyA = "sk_test_tenant_a_0123456789";
    public const string KeyB = "sk_test_tenant_b_0123456789";
    public const string AdminA = "admin@tenant-a.test";
    public const string AdminB = "admin@tenant-b.test";
    public const string Password = "Correct-Horse-42";

    public static JsonSerializerOptions Json => JsonDefaults.Options;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"sequences-test-{Guid.NewGuid():N}");

    public abstract string Provider { get; }

    /// <summary>False leaves the database empty at start, so the app creates its demo tenant.</summary>
    protected virtual bool BootstrapTenants => true;

    public LogCapture Logs { get; } = new();

    /// <summary>The real SMTP server the app sends to (SmtpServer package, NoDelay sockets).</summary>
    public SmtpSink Smtp { get; } = new();

    /// <summary>Engine tests drive time by hand; others run on the real clock.</summary>
    protected virtual bool UseFakeClock => false;

    /// <summary>A Monday morning, so nothing depends on when CI runs.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    protected abstract Task<IReadOnlyDictionary<string, string>> DatabaseSettingsAsync();

    private IReadOnlyDictionary<string, string> _database = new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        _database = await DatabaseSettingsAsync();
        StartHost();
    }

    /// <summary>Starts the host now: migrations and bootstrap run once per fixture.</summary>
    protected virtual void StartHost() => _ = Services;

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (UseFakeClock) builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        var settings = new Dictionary<string, string?>
        {
            // The console stays readable; tests read what they need from LogCapture.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Sequences.Startup"] = "Information",
            ["Email:PickupDirectory"] = Path.Combine(DataDir, "outbox"),
            ["Email:Transport"] = "smtp",
            ["Email:Smtp:Host"] = Smtp.Host,
            ["Email:Smtp:Port"] = Smtp.Port.ToString(),
            ["Email:Smtp:Security"] = "none",
            ["Tracking:BaseUrl"] = "https://sequences.test",
            ["Sequences:Engine:PollInterval"] = "01:00:00",
            ["Sequences:Replies:PollInterval"] = "01:00:00",
            // Every test client shares one address: limits are the RateLimitTests' business, not every test's.
            ["RateLimits:LoginPerMinute"] = "100000",
            ["RateLimits:TrackingPerMinute"] = "100000",
            ["Sequences:Bootstrap:Tenants:0:Name"] = "Tenant A",
            ["Sequences:Bootstrap:Tenants:0:ApiKey"] = KeyA,
            ["Sequences:Bootstrap:Tenants:0:AdminEmail"] = AdminA,
            ["Sequences:Bootstrap:Tenants:0:AdminPassword"] = Password,
            ["Sequences:Bootstrap:Tenants:1:Name"] = "Tenant B",
            ["Sequences:Bootstrap:Tenants:1:ApiKey"] = KeyB,
            ["Sequences:Bootstrap:Tenants:1:AdminEmail"] = AdminB,
            ["Sequences:Bootstrap:Tenants:1:AdminPassword"] = Password,
        };
        if (!BootstrapTenants)
            foreach (var key in settings.Keys.Where(k => k.StartsWith("Sequences:Bootstrap")).ToList()) settings.Remove(key);
        foreach (var (key, value) in _database) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    public HttpClient ClientFor(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Runs code as a tenant against the app's own services (for setup and for checks behind the API).</summary>
    public async Task<T> AsTenantAsync<T>(string adminEmail, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Sequences.Infrastructure.Identity.AppUser>>();
        var user = await users.FindByEmailAsync(adminEmail) ?? throw new InvalidOperationException($"No user {adminEmail}.");
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(user.TenantId, user.Id);
        return await work(scope.ServiceProvider);
    }
}

/// <summary>The app on a SQLite file of its own. Subclasses change the clock, the bootstrap or settings.</summary>
public class SqliteApp : SequencesApp
{
    public override string Provider => "sqlite";

    /// <summary>Settings a variant of the app adds on top of the database ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    protected virtual string DatabaseFile => Path.Combine(DataDir, "sequences.db");

    protected override Task<IReadOnlyDictionary<string, string>> DatabaseSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(ExtraSettings)
        {
            ["Database:Provider"] = "sqlite",
            ["ConnectionStrings:Sequences"] = $"Data Source={DatabaseFile}",
        });
}

/// <summary>The app on a fresh database of the shared test PostgreSQL, connecting as the non-owner role.</summary>
public class PostgresApp : SequencesApp
{
    public override string Provider => "postgres";

    public PostgresServer PgServer { get; private set; } = null!;
    public string Database { get; private set; } = "";

    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    /// <summary>The shared server; a test that restarts PostgreSQL starts one of its own.</summary>
    protected virtual Task<PostgresServer> ServerAsync() => PostgresServer.InstanceAsync();

    protected override async Task<IReadOnlyDictionary<string, string>> DatabaseSettingsAsync()
    {
        PgServer = await ServerAsync();
        Database = await PgServer.CreateDatabaseAsync();
        return new Dictionary<string, string>(ExtraSettings)
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Sequences"] = PgServer.ConnectionString(Database, PostgresServer.AppRole),
            ["ConnectionStrings:SequencesMigrations"] = PgServer.ConnectionString(Database, PostgresServer.OwnerRole),
        };
    }
}

public static class HttpJson
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(SequencesApp.Json))!;

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, SequencesApp.Json);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, SequencesApp.Json);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostCsvAsync(this HttpClient client, string url, string csv) =>
        client.PostAsync(url, new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
}
