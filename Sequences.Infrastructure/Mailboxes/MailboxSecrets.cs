using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Sequences.Infrastructure.Mailboxes;

/// <summary>Mailbox SMTP and IMAP passwords are stored encrypted with the deployment's data-protection keys (which
/// every host shares through the database), so a copy of the database alone does not give the mail accounts away.</summary>
public sealed class MailboxSecrets(IDataProtectionProvider provider)
{
    // Stored values without it were written before encryption: they are read as they are and encrypted on the next save.
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("Sequences.Mailboxes.Passwords");

    public string? Protect(string? password) => string.IsNullOrEmpty(password) ? password : Prefix + _protector.Protect(password);

    /// <summary>The password to sign in with: a stored (encrypted) value, or one just typed.</summary>
    public string? Reveal(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        try
        {
            return _protector.Unprotect(stored[Prefix.Length..]);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                "A stored mailbox password cannot be decrypted (the data-protection keys in the database changed): type it again in Settings → Mailboxes.", ex);
        }
    }
}
