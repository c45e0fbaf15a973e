using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Infrastructure.Sequences;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>Export file names and the import of an uploaded JSON file, shared by the builder and the list page.</summary>
public static class ExportFiles
{
    /// <summary>The same limit the API puts on request bodies.</summary>
    public const long MaxBytes = 1024 * 1024;

    public static string FileName(string? name)
    {
        var safe = new StringBuilder();
        foreach (var c in (name ?? "sequence").Trim().ToLowerInvariant())
            safe.Append(char.IsLetterOrDigit(c) ? c : '-');
        var text = safe.ToString().Trim('-');
        return $"{(text.Length == 0 ? "sequence" : text[..Math.Min(text.Length, 60)])}.sequence.json";
    }

    public static string Serialize(SequenceDocument document) =>
        JsonSerializer.Serialize(document, new JsonSerializerOptions(JsonDefaults.Options) { WriteIndented = true });

    /// <summary>Creates a sequence from the file; null (with a message shown) when the file is not a sequence export.</summary>
    public static async Task<Sequence?> ImportAsync(IBrowserFile file, SequenceService service, ISnackbar snackbar, ILogger logger)
    {
        if (file.Size > MaxBytes)
        {
            snackbar.Add($"\"{file.Name}\" is larger than 1 MB; a sequence export is much smaller.", Severity.Error);
            return null;
        }
        try
        {
            await using var stream = file.OpenReadStream(MaxBytes);
            var document = await JsonSerializer.DeserializeAsync<SequenceDocument>(stream, JsonDefaults.Options)
                ?? throw new JsonException("The file is empty.");
            var sequence = await service.ImportAsync(document);
            snackbar.Add($"Imported \"{sequence.Name}\" with {sequence.Steps.Count} step(s).", Severity.Success);
            return sequence;
        }
        catch (JsonException ex)
        {
            // The parser's own text ("'x' is an invalid JSON literal... Path: $ | LineNumber: 0") helps nobody here.
            var where = ex.LineNumber is { } line ? $" (line {line + 1})" : "";
            snackbar.Add($"\"{file.Name}\" is not a sequence export: it is not JSON of the export's shape{where}. Use a file made by Export.", Severity.Error);
        }
        catch (InputRejectedException ex)
        {
            snackbar.Add($"\"{file.Name}\" was not imported: {string.Join(" ", ex.Issues.Select(i => i.Message))}", Severity.Error);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Reading the import file {File} failed", file.Name);
            snackbar.Add($"\"{file.Name}\" could not be read.", Severity.Error);
        }
        return null;
    }
}
