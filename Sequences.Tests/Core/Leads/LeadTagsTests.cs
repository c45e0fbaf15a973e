using Sequences.Core.Leads;

namespace Sequences.Tests.Core.Leads;

public sealed class LeadTagsTests
{
    [Theory]
    [InlineData("vip, trial", new[] { "vip", "trial" })]
    [InlineData("vip;trial", new[] { "vip", "trial" })]
    [InlineData(" vip ;, trial,, ", new[] { "vip", "trial" })]
    [InlineData("", new string[0])]
    [InlineData(null, new string[0])]
    public void Commas_and_semicolons_both_separate_tags(string? text, string[] tags) =>
        LeadTags.Parse(text).Should().Equal(tags);
}
