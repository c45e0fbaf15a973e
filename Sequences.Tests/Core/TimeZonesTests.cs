using Sequences.Core.Common;

namespace Sequences.Tests.Core;

/// <summary>The zone list the builder's time-zone picker offers: IANA names only, found by the city a person types.</summary>
public sealed class TimeZonesTests
{
    [Fact]
    public void Lists_only_iana_names_sorted()
    {
        TimeZones.IanaIds.Should().Contain(["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"])
            .And.NotContain("Eastern Standard Time").And.BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
        TimeZones.IanaIds.Should().OnlyContain(id => TimeZones.IsIana(id));
    }

    [Theory]
    [InlineData("new york", "America/New_York")]
    [InlineData("New_York", "America/New_York")]
    [InlineData("berlin", "Europe/Berlin")]
    [InlineData("  Tokyo ", "Asia/Tokyo")]
    public void Finds_a_zone_by_its_city_first(string typed, string expected)
    {
        TimeZones.Search(typed)[0].Should().Be(expected);
    }

    [Fact]
    public void Searches_by_region_and_caps_the_list()
    {
        TimeZones.Search("Europe/", max: 10).Should().HaveCount(10).And.OnlyContain(id => id.StartsWith("Europe/"));
        TimeZones.Search(null, max: 5).Should().HaveCount(5);
        TimeZones.Search("Mars/Olympus").Should().BeEmpty();
    }

    [Theory]
    [InlineData("europe/paris", "Europe/Paris")]
    [InlineData(" AMERICA/NEW_YORK ", "America/New_York")]
    [InlineData("Asia/Tokyo", "Asia/Tokyo")]
    [InlineData("utc", "UTC")]
    [InlineData("Mars/Olympus", "Mars/Olympus")]
    public void Spells_a_zone_as_the_zone_database_does(string given, string stored)
    {
        TimeZones.Canonical(given).Should().Be(stored);
    }
}
