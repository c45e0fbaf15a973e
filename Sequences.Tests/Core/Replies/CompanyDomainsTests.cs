using Sequences.Core.Leads;

namespace Sequences.Tests.Core.Replies;

public sealed class CompanyDomainsTests
{
    [Theory]
    [InlineData("ada@acme.com", "acme.com")]
    [InlineData("Ada@ACME.com", "acme.com")]
    [InlineData("ada@eu.acme.co.uk", "eu.acme.co.uk")]
    [InlineData("ada@live.acme.com", "live.acme.com")]
    [InlineData("ada@gmail.com", null)]
    [InlineData("ada@googlemail.com", null)]
    [InlineData("ada@outlook.com", null)]
    [InlineData("ada@hotmail.co.uk", null)]
    [InlineData("ada@yahoo.fr", null)]
    [InlineData("ada@gmx.at", null)]
    [InlineData("ada@web.de", null)]
    [InlineData("ada@proton.me", null)]
    [InlineData("ada@icloud.com", null)]
    [InlineData("not-an-address", null)]
    [InlineData("ada@", null)]
    public void Free_mail_domains_stand_for_no_company(string email, string? expected) =>
        CompanyDomains.Of(email).Should().Be(expected);
}
