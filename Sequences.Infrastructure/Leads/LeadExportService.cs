using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

/// <summary>The leads matching a filter as a CSV that the import reads back: the same headers, tags joined by ";",
/// one <c>custom.&lt;name&gt;</c> column per custom field in use, then when each lead unsubscribed, bounced and was added
/// (the import ignores those three).</summary>
public sealed class LeadExportService(LeadQueryService queries, IDbContextFactory<SequencesDbContext> contexts)
{
    /// <summary>Columns only the export writes; the import's mapping ignores them.</summary>
    public static readonly string[] ReadOnlyColumns = ["unsubscribed_at", "bounced_at", "created_at"];

    private const int PageSize = 1000;

    /// <returns>How many leads were written.</returns>
    public async Task<int> WriteCsvAsync(Stream output, LeadFilter filter, CancellationToken ct = default)
    {
        var ids = await queries.IdsAsync(filter, ct);
        var customKeys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var lead in LeadsAsync(ids, ct)) customKeys.UnionWith(lead.Custom.Keys);

        // A BOM, so spreadsheet programs read the file as UTF-8; the import skips it.
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true)
        {
            NewLine = "\r\n", // RFC 4180, whatever the server's platform
        };
        var fields = LeadImportService.Fields.Concat(customKeys.Select(k => "custom." + k)).Concat(ReadOnlyColumns);
        await writer.WriteLineAsync(string.Join(',', fields.Select(CsvText.Field)));
        var written = 0;
        await foreach (var lead in LeadsAsync(ids, ct))
        {
            IEnumerable<string?> row =
            [
                lead.Email, lead.FirstName, lead.LastName, lead.Name, lead.Company, lead.Title, lead.Timezone, lead.Country, lead.Status,
                string.Join(';', lead.Tags),
                .. customKeys.Select(k => lead.Custom.GetValueOrDefault(k)),
                Time(lead.UnsubscribedAt), Time(lead.BouncedAt), Time(lead.CreatedAt),
            ];
            await writer.WriteLineAsync(string.Join(',', row.Select(CsvText.Field)));
            written++;
        }
        return written;
    }

    /// <summary>The leads in the order of <paramref name="ids"/>, a page at a time, so a large export never holds them all.</summary>
    private async IAsyncEnumerable<Lead> LeadsAsync(IReadOnlyList<Guid> ids, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var page in ids.Chunk(PageSize))
        {
            var rows = await db.Leads.AsNoTracking().Where(l => page.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
            foreach (var id in page)
                if (rows.TryGetValue(id, out var lead)) yield return lead;
        }
    }

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

/// <summary>RFC 4180 fields, safe to open in a spreadsheet.</summary>
public static class CsvText
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>Quotes a field when it needs it. A value a spreadsheet would run as a formula (it starts with =, +, -, @)
    /// gets a leading apostrophe, which <see cref="Unguard"/> removes again on import.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (Array.IndexOf(FormulaStarts, value[0]) >= 0) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n', ';']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    public static string Unguard(string value) =>
        value.Length > 1 && value[0] == '\'' && Array.IndexOf(FormulaStarts, value[1]) >= 0 ? value[1..] : value;
}
