using System.Text.RegularExpressions;

namespace Sequences.Tests.Security;

/// <summary>The static sign-in form as a browser posts it: the antiforgery token from the page, then the fields.</summary>
public static partial class LoginForm
{
    public static async Task<string> TokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/login");
        return AntiforgeryField().Match(page) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("The login page has no antiforgery token.");
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, bool withToken = true)
    {
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        };
        if (withToken) fields["__RequestVerificationToken"] = await TokenAsync(client);
        return await client.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
