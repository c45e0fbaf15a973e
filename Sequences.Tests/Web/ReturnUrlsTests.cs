using Sequences.Web.Components.Pages.Account;

namespace Sequences.Tests.Web;

public sealed class ReturnUrlsTests
{
    [Theory]
    [InlineData("/leads", "/leads")]
    [InlineData("/sequences/3f2b/edit?tab=steps", "/sequences/3f2b/edit?tab=steps")]
    [InlineData("/", "/")]
    [InlineData(null, "/sequences")]
    [InlineData("", "/sequences")]
    [InlineData("https://evil.example/", "/sequences")]
    [InlineData("//evil.example/", "/sequences")]
    [InlineData("/\\evil.example/", "/sequences")]
    [InlineData("leads", "/sequences")]
    [InlineData("/login?returnUrl=%2Fleads", "/sequences")]
    [InlineData("/leads\r\nSet-Cookie: x=1", "/sequences")]
    public void Only_local_paths_are_followed_after_sign_in(string? returnUrl, string expected) =>
        ReturnUrls.Safe(returnUrl).Should().Be(expected);
}
