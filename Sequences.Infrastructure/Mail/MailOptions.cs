namespace Sequences.Infrastructure.Mail;

public enum MailTransportKind { Pickup, Smtp }

public enum SmtpSecurity { None, StartTls, Ssl }

/// <summary>The "Email" configuration section.</summary>
public sealed class MailOptions
{
    public const string Section = "Email";

    public MailTransportKind Transport { get; set; } = MailTransportKind.Pickup;

    /// <summary>Relative paths resolve against the working directory, as the SQLite default does.</summary>
    public string PickupDirectory { get; set; } = "data/outbox";

    public string DefaultFrom { get; set; } = "sequences@localhost";

    /// <summary>An address whose mail reaches the app (a provider's inbound route to the inbound webhook, or a mailbox the
    /// app polls): offered as the List-Unsubscribe mailto, with the message's signed unsubscribe token in the subject.</summary>
    public string? UnsubscribeMailto { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "localhost";

    /// <summary>0 picks the conventional port of <see cref="Security"/> (25, 587 or 465).</summary>
    public int Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Bounds every connect, command and reply wait, so a silent relay cannot hold a worker forever.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int EffectivePort => Port > 0 ? Port : DefaultPort(Security);

    public static int DefaultPort(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Ssl => 465,
        SmtpSecurity.StartTls => 587,
        _ => 25,
    };
}
