using Sequences.Core.Common;

namespace Sequences.Tests.Core;

public sealed class RowIdsTests
{
    [Fact]
    public void An_id_is_a_version_7_uuid_that_carries_its_creation_time()
    {
        var at = new DateTimeOffset(2026, 11, 29, 23, 45, 12, 345, TimeSpan.Zero);

        var id = RowIds.New(at);

        id.Version.Should().Be(7);
        (id.Variant & 0b1100).Should().Be(0b1000, "the RFC 9562 variant is 10xx");
        var text = id.ToString("N");
        Convert.ToInt64(text[..12], 16).Should().Be(at.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Ids_sort_by_creation_time_in_text_and_in_uuid_order()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1_000).Select(i => RowIds.New(start.AddMilliseconds(i * 7))).ToList();

        ids.Select(i => i.ToString()).Should().BeInAscendingOrder(StringComparer.Ordinal);
        ids.Should().BeInAscendingOrder(Comparer<Guid>.Create((a, b) => a.CompareTo(b)));
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_differ_across_many_refills_and_threads()
    {
        var at = DateTimeOffset.UtcNow;

        var ids = Enumerable.Range(0, 8).AsParallel()
            .SelectMany(_ => Enumerable.Range(0, 5_000).Select(_ => RowIds.New(at)))
            .ToList();

        ids.Should().OnlyHaveUniqueItems();
        ids.Should().AllSatisfy(id => id.Version.Should().Be(7));
    }

    [Fact]
    public void An_id_before_1970_is_refused()
    {
        var act = () => RowIds.New(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
