using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Sequences.Infrastructure.Identity;
using Sequences.Tests.Web;

namespace Sequences.Tests.Security;

/// <summary>The forgot-password form cannot flood an inbox: one mail per address per spacing, on a fake clock.
/// The real infrastructure writes the mails to its pickup folder, which is what a fresh install does.</summary>
public sealed class PasswordResetSpacingTests : IAsyncLifetime
{
    private PageTestContext _context = default!;

    public async Task InitializeAsync() => _context = await PageTestContext.CreateAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private int MailsWritten() => Directory.Exists(_context.PickupDirectory) ? Directory.GetFiles(_context.PickupDirectory, "*.eml").Length : 0;

    [Fact]
    public async Task An_address_gets_one_reset_mail_per_two_minutes_however_often_it_is_asked_for()
    {
        var users = _context.Bunit.Services.GetRequiredService<UserManager<AppUser>>();
        (await users.CreateAsync(new AppUser { UserName = "solo@example.com", Email = "solo@example.com", TenantId = _context.TenantA }, "Lost-Password-123"))
            .Succeeded.Should().BeTrue();
        var resets = _context.Bunit.Services.GetRequiredService<PasswordResets>();

        await resets.RequestAsync("solo@example.com");
        await resets.RequestAsync("SOLO@example.com ");
        MailsWritten().Should().Be(1);

        _context.Clock.Advance(PasswordResets.Spacing - TimeSpan.FromSeconds(1));
        await resets.RequestAsync("solo@example.com");
        MailsWritten().Should().Be(1);

        _context.Clock.Advance(TimeSpan.FromSeconds(1));
        await resets.RequestAsync("solo@example.com");
        MailsWritten().Should().Be(2);
        MimeKit.MimeMessage.Load(Directory.GetFiles(_context.PickupDirectory, "*.eml")[0]).TextBody.Should().Contain("/reset-password?email=solo%40example.com&token=");
    }
}
