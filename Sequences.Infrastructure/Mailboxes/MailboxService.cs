using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Core.Mail;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Mailboxes;

/// <summary>What a person edits of a mailbox. Passwords left empty keep the stored ones.</summary>
public sealed record MailboxInput
{
    /// <summary>The teammate whose sequences send from it; empty: the signed-in user on create, unchanged on edit.</summary>
    public Guid? UserId { get; init; }
    public string? FromAddress { get; init; }
    public string? DisplayName { get; init; }
    public string? SmtpHost { get; init; }
    public int? SmtpPort { get; init; }
    public string? SmtpSecurity { get; init; }
    public string? SmtpUsername { get; init; }
    public string? SmtpPassword { get; init; }
    public string? ImapHost { get; init; }
    public int? ImapPort { get; init; }
    public string? ImapSecurity { get; init; }
    public string? ImapUsername { get; init; }
    public string? ImapPassword { get; init; }
    public int DailyCap { get; init; } = 200;
    public int SpacingSeconds { get; init; }
    public string? Timezone { get; init; }
}

/// <summary>Sending accounts of the tenant's users; the engine sends a sequence from its owner's mailbox.</summary>
public sealed class MailboxService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, MailboxSecrets secrets)
{
    public static readonly string[] SecurityModes = ["none", "starttls", "ssl"];

    public async Task<IReadOnlyList<Mailbox>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Mailboxes.AsNoTracking().OrderBy(m => m.FromAddress).ToListAsync(ct);
    }

    public static List<ValidationIssue> Validate(MailboxInput input)
    {
        var issues = new List<ValidationIssue>();
        if (!EmailAddresses.IsValid(input.FromAddress?.Trim()))
            issues.Add(ValidationIssue.Error("from_address", "invalid_email", "The from address must be a valid email address."));
        if (input.DisplayName is { Length: > 200 }) issues.Add(ValidationIssue.Error("display_name", "too_long", "The display name is longer than 200 characters."));
        foreach (var (field, port) in new[] { ("smtp_port", input.SmtpPort), ("imap_port", input.ImapPort) })
            if (port is < 1 or > 65535) issues.Add(ValidationIssue.Error(field, "invalid_port", "A port is a number from 1 to 65535."));
        foreach (var (field, mode) in new[] { ("smtp_security", input.SmtpSecurity), ("imap_security", input.ImapSecurity) })
            if (!string.IsNullOrEmpty(mode) && !SecurityModes.Contains(mode))
                issues.Add(ValidationIssue.Error(field, "invalid_security", $"Security is one of {string.Join(", ", SecurityModes)}."));
        if (input.DailyCap < 0) issues.Add(ValidationIssue.Error("daily_cap", "negative", "The daily cap cannot be negative (0 means no cap)."));
        if (input.SpacingSeconds < 0) issues.Add(ValidationIssue.Error("spacing_seconds", "negative", "Spacing cannot be negative."));
        if (!string.IsNullOrWhiteSpace(input.Timezone) && !TimeZones.IsIana(input.Timezone.Trim()))
            issues.Add(ValidationIssue.Error("timezone", "invalid_timezone", $"'{input.Timezone}' is not an IANA time zone."));
        return issues;
    }

    /// <summary>Creates (id null) a mailbox for the signed-in user, or updates one of the tenant's.</summary>
    public async Task<Mailbox> SaveAsync(Guid? id, MailboxInput input, CancellationToken ct = default)
    {
        var issues = Validate(input);
        if (issues.Count > 0) throw new InputRejectedException(issues);
        await using var db = await contexts.CreateDbContextAsync(ct);
        Mailbox mailbox;
        var newOwner = true;
        if (id is { } existing)
        {
            mailbox = await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == existing, ct) ?? throw new NotFoundException("Mailbox", existing);
            mailbox.FromAddress = input.FromAddress!.Trim();
            newOwner = input.UserId is { } owner && owner != mailbox.UserId;
            mailbox.UserId = input.UserId ?? mailbox.UserId;
        }
        else
        {
            var user = input.UserId ?? tenant.UserId ?? throw new InputRejectedException("user_id", "required", "Only a signed-in user can add a mailbox.");
            mailbox = new Mailbox { UserId = user, FromAddress = input.FromAddress!.Trim() };
            db.Mailboxes.Add(mailbox);
        }
        if (newOwner) await CheckOwnerAsync(db, mailbox, ct);
        mailbox.DisplayName = Blank(input.DisplayName);
        mailbox.SmtpHost = Blank(input.SmtpHost);
        mailbox.SmtpPort = input.SmtpPort;
        mailbox.SmtpSecurity = Blank(input.SmtpSecurity);
        mailbox.SmtpUsername = Blank(input.SmtpUsername);
        if (!string.IsNullOrEmpty(input.SmtpPassword)) mailbox.SmtpPassword = secrets.Protect(input.SmtpPassword);
        mailbox.ImapHost = Blank(input.ImapHost);
        mailbox.ImapPort = input.ImapPort;
        mailbox.ImapSecurity = Blank(input.ImapSecurity);
        mailbox.ImapUsername = Blank(input.ImapUsername);
        if (!string.IsNullOrEmpty(input.ImapPassword)) mailbox.ImapPassword = secrets.Protect(input.ImapPassword);
        mailbox.DailyCap = input.DailyCap;
        mailbox.SpacingSeconds = input.SpacingSeconds;
        mailbox.Timezone = Blank(input.Timezone);
        await db.SaveChangesAsync(ct);
        return mailbox;
    }

    /// <summary>A new or handed-over mailbox goes to a member of this workspace who has none yet: the pass sends a
    /// sequence from its owner's one mailbox, so a second one would leave it to chance which. Mailboxes that already
    /// share an owner (set up before this rule) stay editable, so one of them can be handed on or deleted.</summary>
    private async Task CheckOwnerAsync(SequencesDbContext db, Mailbox mailbox, CancellationToken ct)
    {
        var (userId, mailboxId) = (mailbox.UserId, mailbox.Id);
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.TenantId == tenant.TenantId)
            .Select(u => new { Name = u.DisplayName ?? u.Email }).FirstOrDefaultAsync(ct)
            ?? throw new InputRejectedException("user_id", "unknown_user", $"User {userId} is not a member of this workspace.");
        if (await db.Mailboxes.AnyAsync(m => m.UserId == userId && m.Id != mailboxId, ct))
            throw new InputRejectedException("user_id", "has_mailbox", $"{owner.Name} already has a mailbox. Edit that one instead: a sequence sends from its owner's one mailbox.");
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var mailbox = await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == id, ct) ?? throw new NotFoundException("Mailbox", id);
        db.Mailboxes.Remove(mailbox);
        await db.SaveChangesAsync(ct);
    }

    public static MailboxInput ToInput(Mailbox m) => new()
    {
        UserId = m.UserId, FromAddress = m.FromAddress, DisplayName = m.DisplayName, SmtpHost = m.SmtpHost, SmtpPort = m.SmtpPort, SmtpSecurity = m.SmtpSecurity,
        SmtpUsername = m.SmtpUsername, ImapHost = m.ImapHost, ImapPort = m.ImapPort, ImapSecurity = m.ImapSecurity, ImapUsername = m.ImapUsername,
        DailyCap = m.DailyCap, SpacingSeconds = m.SpacingSeconds, Timezone = m.Timezone,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
