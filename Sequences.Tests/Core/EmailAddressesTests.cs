using Sequences.Core.Leads;

namespace Sequences.Tests.Core;

public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("first.last+tag@sub.example.co.uk", true)]
    [InlineData("nina@acme", false)] // no dot in the domain
    [InlineData("two words@example.com", false)]
    [InlineData("Ada <ada@example.com>", false)] // a display name is not an address
    [InlineData("@example.com", false)]
    public void Accepts_deliverable_addresses_only(string address, bool valid) =>
        EmailAddresses.IsValid(address).Should().Be(valid);

    [Fact]
    public void Refuses_more_than_64_characters_before_the_at_and_more_than_254_in_all()
    {
        EmailAddresses.IsValid(new string('a', 64) + "@example.com").Should().BeTrue();
        EmailAddresses.IsValid(new string('a', 65) + "@example.com").Should().BeFalse("RFC 5321 allows 64 before the @");
        EmailAddresses.IsValid("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".io").Should().BeFalse("over 254 in all");
    }
}
