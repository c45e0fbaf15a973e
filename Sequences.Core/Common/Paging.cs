namespace Sequences.Core.Common;

public sealed record PageRequest(int Page = 1, int PageSize = 50, string? Query = null)
{
    public const int MaxPageSize = 500;

    public int Skip => (Page - 1) * PageSize;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);
