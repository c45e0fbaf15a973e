using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Core.Mail;
using Sequences.Infrastructure.Mailboxes;
using Sequences.Infrastructure.Persistence;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Security;

/// <summary>Mailbox passwords are stored encrypted with the deployment's data-protection keys: the database alone
/// does not give the mail accounts away, and the app still signs in with them.</summary>
[Collection(SqliteCollection.Name)]
public sealed class MailboxSecretsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string SmtpPassword = "smtp-Pa55-word";
    private const string ImapPassword = "imap-Pa55-word";

    [Fact]
    public async Task Saved_passwords_are_encrypted_at_rest_and_decrypted_only_for_signing_in()
    {
        var id = await app.AsTenantAsync(SequencesApp.AdminA, async sp =>
            (await sp.GetRequiredService<MailboxService>().SaveAsync(null, new MailboxInput
            {
                FromAddress = $"secrets-{Guid.NewGuid():N}"[..16] + "@tenant-a.test",
                SmtpHost = "smtp.example.org", SmtpPort = 587, SmtpSecurity = "starttls", SmtpUsername = "me", SmtpPassword = SmtpPassword,
                ImapHost = "imap.example.org", ImapPort = 993, ImapSecurity = "ssl", ImapUsername = "me", ImapPassword = ImapPassword,
            })).Id);

        var stored = await StoredAsync(id);
        stored.SmtpPassword.Should().StartWith("dp1:").And.NotContain(SmtpPassword);
        stored.ImapPassword.Should().StartWith("dp1:").And.NotContain(ImapPassword);

        var secrets = app.Services.GetRequiredService<MailboxSecrets>();
        MailboxConnections.Smtp(stored, TimeSpan.FromSeconds(5), secrets)!.Password.Should().Be(SmtpPassword);
        secrets.Reveal(stored.ImapPassword).Should().Be(ImapPassword);

        // Another deployment's keys (a stolen database opened elsewhere) cannot read them, and say what to do.
        var elsewhere = new MailboxSecrets(new EphemeralDataProtectionProvider());
        var refused = () => elsewhere.Reveal(stored.SmtpPassword);
        refused.Should().Throw<InvalidOperationException>().WithMessage("*type it again in Settings → Mailboxes*");
    }

    [Fact]
    public async Task A_password_stored_before_encryption_still_works_and_is_encrypted_on_the_next_save()
    {
        var id = await app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            var admin = await db.Users.SingleAsync(u => u.Email == SequencesApp.AdminA);
            var legacy = new Mailbox
            {
                TenantId = admin.TenantId, UserId = admin.Id, FromAddress = $"legacy-{Guid.NewGuid():N}"[..15] + "@tenant-a.test",
                SmtpHost = "smtp.example.org", SmtpUsername = "me", SmtpPassword = SmtpPassword,
            };
            db.Mailboxes.Add(legacy);
            await db.SaveChangesAsync();
            return legacy.Id;
        });
        var secrets = app.Services.GetRequiredService<MailboxSecrets>();
        MailboxConnections.Smtp(await StoredAsync(id), TimeSpan.FromSeconds(5), secrets)!.Password.Should().Be(SmtpPassword);

        await app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            var stored = await StoredAsync(id);
            return await sp.GetRequiredService<MailboxService>().SaveAsync(id, new MailboxInput
            {
                FromAddress = stored.FromAddress, SmtpHost = stored.SmtpHost, SmtpUsername = stored.SmtpUsername, SmtpPassword = "new-password",
            });
        });

        var resaved = await StoredAsync(id);
        resaved.SmtpPassword.Should().StartWith("dp1:");
        secrets.Reveal(resaved.SmtpPassword).Should().Be("new-password");
    }

    private Task<Mailbox> StoredAsync(Guid id) =>
        app.AsTenantAsync(SequencesApp.AdminA, async sp =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<SequencesDbContext>>().CreateDbContextAsync();
            return await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == id);
        });
}
