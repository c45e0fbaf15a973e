using System.Text.RegularExpressions;

namespace Sequences.Tests.Security;

/// <summary>The static sign-in form (and the other static account forms) as a browser posts them: the antiforgery token
/// from the page, then the fields.</summary>
public static partial class LoginForm
{
    public static async Task<string> TokenAsync(HttpClient client, string path = "/login")
    {
        var page = await client.GetStringAsync(path);
        return AntiforgeryField().Match(page) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"The page {path} has no antiforgery token.");
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, bool withToken = true) =>
        SubmitAsync(client, "/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password }, withToken);

    /// <summary>Posts one of a static page's forms: <paramref name="handler"/> is its FormName. The antiforgery token
    /// comes from the page itself, or from <paramref name="tokenPage"/> when the page shows no form any more (a form
    /// opened earlier, posted late).</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, string handler, Dictionary<string, string> fields,
        bool withToken = true, string? tokenPage = null)
    {
        fields["_handler"] = handler;
        if (withToken) fields["__RequestVerificationToken"] = await TokenAsync(client, tokenPage ?? path);
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
