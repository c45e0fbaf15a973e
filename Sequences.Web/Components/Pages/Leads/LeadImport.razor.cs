using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;
using Sequences.Infrastructure.Leads;

namespace Sequences.Web.Components.Pages.Leads;

/// <summary>CSV import in three steps: choose a file (parsed at once), map columns and preview, import with progress, then the report.</summary>
public partial class LeadImport
{
    private enum Stage { Idle, Mapping, Importing, Done }

    private const int PreviewCount = 5;

    private Stage _stage;
    private string? _fileName;
    private string? _error;
    private CsvDocument? _document;
    private List<string?> _fields = [];
    private List<ValidationIssue> _mappingIssues = [];
    private ImportProgress? _progress;
    private LeadImportReport? _report;
    private bool _updateExisting;

    /// <summary>The id of the file input, so a button elsewhere on the page can be its label.</summary>
    [Parameter, EditorRequired]
    public string InputId { get; set; } = "";

    /// <summary>Called after an import stored something, so the page can reload its grid.</summary>
    [Parameter]
    public EventCallback<LeadImportReport> OnImported { get; set; }

    private IReadOnlyList<CsvRow> PreviewRows => _document?.Rows.Take(PreviewCount).ToList() ?? [];

    private IEnumerable<string> MappedFields => _fields.Where(f => !string.IsNullOrEmpty(f)).Select(f => f!);

    private double Percent => _progress is { Total: > 0 } p ? Math.Round(100.0 * p.Processed / p.Total, 1) : 0;

    private async Task OnFileChosenAsync(InputFileChangeEventArgs e)
    {
        Reset();
        _fileName = e.File.Name;
        try
        {
            await using var stream = e.File.OpenReadStream(LeadImportService.MaxFileBytes);
            _document = await LeadImportService.ParseAsync(stream);
            _fields = LeadImportService.SuggestMapping(_document.Headers).Fields.ToList();
            Validate();
            _stage = Stage.Mapping;
        }
        catch (CsvImportException ex)
        {
            _error = ex.Message;
        }
        catch (IOException ex)
        {
            // OpenReadStream refuses files over the limit with an IOException.
            Logger.LogInformation(ex, "CSV upload {File} refused", e.File.Name);
            _error = $"The file could not be read: it must be a CSV of at most {LeadImportService.MaxFileBytes / (1024 * 1024)} MB.";
        }
    }

    private void SetField(int column, string? field)
    {
        _fields[column] = string.IsNullOrEmpty(field) ? null : field;
        Validate();
    }

    private void Validate() =>
        _mappingIssues = _document is null ? [] : LeadImportService.ValidateMapping(_document, new LeadImportMapping(_fields));

    private async Task ImportAsync()
    {
        if (_document is null || _mappingIssues.Count > 0) return;
        _stage = Stage.Importing;
        _progress = new ImportProgress(0, _document.Rows.Count);
        try
        {
            _report = await Importer.ImportAsync(_document, new LeadImportMapping(_fields), _updateExisting, async progress =>
            {
                _progress = progress;
                StateHasChanged();
                // Let the render go out between batches, so the bar moves while the next batch is stored.
                await Task.Yield();
            });
            _stage = Stage.Done;
            if (_report.Imported + _report.Updated > 0) await OnImported.InvokeAsync(_report);
        }
        catch (InputRejectedException ex)
        {
            _mappingIssues = ex.Issues.ToList();
            _stage = Stage.Mapping;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Importing {File} failed", _fileName);
            _error = "The import failed unexpectedly. Rows stored before the failure stay; importing the file again skips them as duplicates (or updates them).";
            _stage = Stage.Idle;
        }
    }

    private void Reset()
    {
        _stage = Stage.Idle;
        _fileName = null;
        _error = null;
        _document = null;
        _fields = [];
        _mappingIssues = [];
        _progress = null;
        _report = null;
        _updateExisting = false;
    }

    private string Sample(int column) =>
        string.Join(", ", _document!.Rows.Select(r => column < r.Fields.Count ? r.Fields[column] : "")
            .Where(v => !string.IsNullOrWhiteSpace(v)).Take(3).Select(v => v.Length > 40 ? v[..40] + "…" : v));

    /// <summary>The standard fields, plus a custom field named after this column.</summary>
    private IEnumerable<string> Options(int column)
    {
        var options = LeadImportService.Fields.ToList();
        var suggested = LeadImportService.SuggestField(_document!.Headers[column]);
        if (suggested is not null && !options.Contains(suggested)) options.Add(suggested);
        if (_fields[column] is { } current && !options.Contains(current)) options.Add(current);
        return options;
    }

    private string Cell(CsvRow row, string field)
    {
        var column = _fields.IndexOf(field);
        return column >= 0 && column < row.Fields.Count ? row.Fields[column] : "";
    }
}
