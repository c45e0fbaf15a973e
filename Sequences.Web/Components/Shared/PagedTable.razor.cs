using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;

namespace Sequences.Web.Components.Shared;

public partial class PagedTable<TItem> : IDisposable
{
    private Page<TItem>? _page;
    private int _pageNumber = 1;
    private string? _query;
    private bool _loading;
    private string? _error;
    private CancellationTokenSource? _pending;
    private string? _path;

    /// <summary>Fetches one page; called again on search, paging and <see cref="ReloadAsync"/>.</summary>
    [Parameter, EditorRequired]
    public Func<PageRequest, CancellationToken, Task<Page<TItem>>> Load { get; set; } = default!;

    /// <summary>The header cells (<c>&lt;th&gt;</c>), without the row.</summary>
    [Parameter, EditorRequired]
    public RenderFragment HeaderContent { get; set; } = default!;

    /// <summary>One whole <c>&lt;tr&gt;</c> per item, so callers own the row's attributes.</summary>
    [Parameter, EditorRequired]
    public RenderFragment<TItem> RowTemplate { get; set; } = default!;

    /// <summary>Shown when the page is empty; the flag says whether a search or filter is active.</summary>
    [Parameter]
    public RenderFragment<bool>? EmptyContent { get; set; }

    /// <summary>Extra filters beside the search box.</summary>
    [Parameter]
    public RenderFragment? ToolBarContent { get; set; }

    /// <summary>Set by the parent when one of its own filters (in <see cref="ToolBarContent"/>) is active.</summary>
    [Parameter]
    public bool Filtered { get; set; }

    [Parameter]
    public int PageSize { get; set; } = 50;

    [Parameter]
    public string TestId { get; set; } = "paged-table";

    [Parameter]
    public string? SearchTestId { get; set; }

    [Parameter]
    public string SearchPlaceholder { get; set; } = "Search";

    /// <summary>A page's main list keeps its search (q) and page number (page) in the address (<see cref="UrlQuery"/>).
    /// Lists inside a page (a campaign's leads, a sequence's enrollments) leave it alone.</summary>
    [Parameter]
    public bool InUrl { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    public int PageNumber => _pageNumber;

    /// <summary>The search text in effect (null when empty), e.g. for "select all matching" beyond this page.</summary>
    public string? Query => _query;

    /// <summary>The rows on screen.</summary>
    public IReadOnlyList<TItem> Items => _page?.Items ?? [];

    public int Total => _page?.Total ?? 0;

    private bool IsFiltered => Filtered || _query is not null;

    private int PageCount => _page is null ? 0 : Math.Max(1, (int)Math.Ceiling(_page.Total / (double)PageSize));

    private string RangeText => _page is null || _page.Items.Count == 0
        ? ""
        : $"{(_pageNumber - 1) * PageSize + 1}–{(_pageNumber - 1) * PageSize + _page.Items.Count} of {_page.Total}";

    protected override Task OnInitializedAsync()
    {
        if (InUrl)
        {
            (_query, _pageNumber) = FromUrl();
            _path = Navigation.ToAbsoluteUri(Navigation.Uri).AbsolutePath;
            Navigation.LocationChanged += OnLocationChanged;
        }
        return LoadAsync();
    }

    private (string? Query, int Page) FromUrl() =>
        (Navigation.Get("q")?.Trim() is { Length: > 0 } q ? q : null, int.TryParse(Navigation.Get("page"), out var page) && page > 1 ? page : 1);

    /// <summary>A link to this page with another search or page (the menu's link to the bare list, say) shows that.</summary>
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        // Leaving for another page (a row's link) is not a new search of this one.
        if (Navigation.ToAbsoluteUri(e.Location).AbsolutePath != _path) return;
        var (query, page) = FromUrl();
        if (query == _query && page == _pageNumber) return;
        (_query, _pageNumber) = (query, page);
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    private void WriteUrl()
    {
        if (InUrl) Navigation.Replace(new Dictionary<string, object?> { ["q"] = _query, ["page"] = _pageNumber > 1 ? _pageNumber : null });
    }

    /// <summary>Loads again, e.g. after the parent changed a filter or the data; <paramref name="firstPage"/> resets paging.</summary>
    public Task ReloadAsync(bool firstPage = false)
    {
        if (firstPage && _pageNumber != 1)
        {
            _pageNumber = 1;
            WriteUrl();
        }
        return LoadAsync();
    }

    private Task SearchAsync(string? text)
    {
        var query = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (query == _query) return Task.CompletedTask;
        _query = query;
        _pageNumber = 1;
        WriteUrl();
        return LoadAsync();
    }

    private Task GoToPageAsync(int page)
    {
        _pageNumber = Math.Max(1, page);
        WriteUrl();
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        // Typing fires searches faster than they answer: only the newest request may update the view.
        // Superseded sources are only cancelled, not disposed: their request may still be reading the token.
        _pending?.Cancel();
        var pending = _pending = new CancellationTokenSource();
        _loading = true;
        _error = null;
        try
        {
            var page = await Load(new PageRequest(_pageNumber, PageSize, _query), pending.Token);
            // A delete or a duplicate elsewhere can leave this page past the end: show the last page instead.
            if (page.Items.Count == 0 && page.Total > 0 && _pageNumber > 1)
            {
                _pageNumber = (int)Math.Ceiling(page.Total / (double)PageSize);
                WriteUrl();
                page = await Load(new PageRequest(_pageNumber, PageSize, _query), pending.Token);
            }
            if (!pending.IsCancellationRequested) _page = page;
        }
        catch (OperationCanceledException) when (pending.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Keep the circuit alive and the previous rows visible; the failure is shown above the table.
            Logger.LogError(ex, "Loading {TestId} failed", TestId);
            if (!pending.IsCancellationRequested) _error = "Could not load this list. Try again.";
        }
        finally
        {
            if (ReferenceEquals(_pending, pending)) _loading = false;
        }
    }

    public void Dispose()
    {
        if (InUrl) Navigation.LocationChanged -= OnLocationChanged;
        _pending?.Cancel();
        _pending?.Dispose();
    }
}
