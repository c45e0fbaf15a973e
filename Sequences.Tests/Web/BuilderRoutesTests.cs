using Sequences.Web.Components.Layout;

namespace Sequences.Tests.Web;

public sealed class BuilderRoutesTests
{
    [Theory]
    [InlineData("sequences/new", true)]
    [InlineData("sequences/new?from=template", true)]
    [InlineData("Sequences/0f8fad5b-d9cb-469f-a165-70867728950e/edit", true)]
    [InlineData("sequences/0f8fad5b-d9cb-469f-a165-70867728950e/edit#step-2", true)]
    [InlineData("sequences/0f8fad5b-d9cb-469f-a165-70867728950e", false)]
    [InlineData("sequences", false)]
    [InlineData("sequences/newest", false)]
    [InlineData("leads", false)]
    [InlineData("", false)]
    public void Only_the_builders_addresses_are_the_builder(string path, bool builder) =>
        BuilderRoutes.Contains(path).Should().Be(builder);
}
