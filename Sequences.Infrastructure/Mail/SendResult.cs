namespace Sequences.Infrastructure.Mail;

public enum SendOutcome
{
    /// <summary>The relay answered 2xx after DATA, or the pickup file is complete.</summary>
    Sent,
    /// <summary>Nothing was accepted; trying again later may work (4xx, connection failures before the message data).</summary>
    TransientFailure,
    /// <summary>The relay refused the message for good (5xx).</summary>
    PermanentFailure,
    /// <summary>The message data went out but no reply came back: it may or may not have been delivered, so it must not be re-sent automatically.</summary>
    Unknown,
}

public sealed record SendResult(SendOutcome Outcome, int? StatusCode = null, string? Error = null)
{
    public bool IsSent => Outcome == SendOutcome.Sent;

    public static SendResult Sent(int? statusCode = null) => new(SendOutcome.Sent, statusCode);

    public static SendResult Transient(string error, int? statusCode = null) => new(SendOutcome.TransientFailure, statusCode, error);

    public static SendResult Permanent(string error, int? statusCode = null) => new(SendOutcome.PermanentFailure, statusCode, error);

    public static SendResult Unknown(string error) => new(SendOutcome.Unknown, null, error);

    /// <summary>4xx is worth retrying, 5xx is final; anything else unexpected is treated as retryable.</summary>
    public static SendResult FromReply(int statusCode, string error) =>
        statusCode is >= 500 and < 600 ? Permanent(error, statusCode) : Transient(error, statusCode);
}
