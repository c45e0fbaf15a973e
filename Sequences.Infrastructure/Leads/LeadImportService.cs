using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sequences.Core.Common;
using Sequences.Core.Leads;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Leads;

/// <summary>A parsed CSV: the header and every data row with the line it starts on (the header is line 1).</summary>
public sealed record CsvDocument(IReadOnlyList<string> Headers, IReadOnlyList<CsvRow> Rows);

public sealed record CsvRow(int Line, IReadOnlyList<string> Fields);

/// <summary>Which lead field each CSV column feeds, by column index; null ignores the column.</summary>
public sealed record LeadImportMapping(IReadOnlyList<string?> Fields);

public sealed record RejectedRow(int Line, string? Email, string Code, string Reason);

public sealed record ImportProgress(int Processed, int Total);

/// <summary>What an import did. <see cref="Error"/> is set when it stopped early; the counts say what was stored until then.</summary>
/// <param name="Updated">Stored leads the file changed (with "update existing").</param>
/// <param name="Unchanged">Stored leads the file matched without changing anything (with "update existing").</param>
public sealed record LeadImportReport(int Rows, int Imported, IReadOnlyList<RejectedRow> Rejected, string? Error = null, int Updated = 0, int Unchanged = 0)
{
    /// <summary>Rows skipped because the email was already stored or appeared earlier in the file (also in <see cref="Rejected"/>).</summary>
    public int Duplicates => Rejected.Count(r => r.Code == "duplicate");

    public int Invalid => Rejected.Count - Duplicates;
}

/// <summary>The CSV could not be read at all (broken quoting, no header); nothing was stored.</summary>
public sealed class CsvImportException(string message, int? line = null) : Exception(message)
{
    public int? Line { get; } = line;
}

/// <summary>CSV import of leads: parse everything first (a file that does not parse stores nothing), map columns to
/// fields, validate each row, skip duplicates in the file, skip or update leads already stored, then store in
/// batches, one transaction each, reporting progress between batches.</summary>
public sealed partial class LeadImportService(IDbContextFactory<SequencesDbContext> contexts, TimeProvider clock, ILogger<LeadImportService>? logger = null)
{
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const int MaxRows = 50_000;
    public const int DefaultBatchSize = 200;

    /// <summary>The fields a column can map to, besides <c>custom.&lt;name&gt;</c>.</summary>
    public static readonly string[] Fields = ["email", "first_name", "last_name", "name", "company", "title", "timezone", "country", "status", "tags"];

    public int BatchSize { get; init; } = DefaultBatchSize;

    public static async Task<CsvDocument> ParseAsync(Stream stream, CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(await reader.ReadToEndAsync(ct));
    }

    public static CsvDocument Parse(string text)
    {
        var options = new CsvReaderOptions
        {
            // The separator (",", ";" or tab, as spreadsheets export) is detected from the data.
            HasHeader = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            AllowLineBreaksInQuotes = true,
        };
        try
        {
            using var csv = CsvReader.FromText(text, options);
            if (!csv.Read()) throw new CsvImportException("The file is empty: it needs a header row and at least one lead.");
            var headers = ReadFields(csv).Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
            if (headers.All(string.IsNullOrEmpty)) throw new CsvImportException("The first row must name the columns.", 1);
            var rows = new List<CsvRow>();
            while (csv.Read())
            {
                rows.Add(new CsvRow((int)csv.LineNumber, ReadFields(csv)));
                if (rows.Count > MaxRows) throw new CsvImportException($"The file has more than {MaxRows:N0} rows; split it into smaller files.");
            }
            return new CsvDocument(headers, rows);
        }
        catch (CsvFormatException e)
        {
            throw new CsvImportException($"Line {e.LineNumber}: the CSV is malformed ({MalformedReason(e.Message)}). Nothing was imported.", (int)e.LineNumber);
        }
    }

    private static string[] ReadFields(CsvReader csv)
    {
        var fields = new string[csv.FieldCount];
        for (var i = 0; i < fields.Length; i++) fields[i] = NulText.Strip(csv.GetString(i))!;
        return fields;
    }

    // CsvHelper says "Malformed CSV in record 2 (line 2): a quoted field that is never closed (byte offset 34)."; keep the middle.
    private static string MalformedReason(string message)
    {
        var colon = message.IndexOf("): ", StringComparison.Ordinal);
        var reason = colon >= 0 ? message[(colon + 3)..] : message;
        var offset = reason.IndexOf(" (byte offset", StringComparison.Ordinal);
        return (offset >= 0 ? reason[..offset] : reason).TrimEnd('.');
    }

    /// <summary>A first guess for each column from its header ("E-mail" → email, "Plan" → custom.plan).</summary>
    public static LeadImportMapping SuggestMapping(IReadOnlyList<string> headers)
    {
        var used = new HashSet<string>();
        var fields = new List<string?>();
        foreach (var header in headers)
        {
            var field = SuggestField(header);
            fields.Add(field is not null && used.Add(field) ? field : null);
        }
        return new LeadImportMapping(fields);
    }

    public static string? SuggestField(string header)
    {
        var key = NonWord().Replace(header.Trim().ToLowerInvariant(), "_").Trim('_');
        if (key.StartsWith("custom_")) key = "custom." + key["custom_".Length..];
        if (LeadExportService.ReadOnlyColumns.Contains(key)) return null; // an export's own columns: not the lead's to set
        var field = key switch
        {
            "email" or "e_mail" or "email_address" or "mail" => "email",
            "first_name" or "firstname" or "given_name" or "first" => "first_name",
            "last_name" or "lastname" or "surname" or "family_name" or "last" => "last_name",
            "name" or "full_name" or "fullname" or "contact" or "contact_name" => "name",
            "company" or "company_name" or "organization" or "organisation" or "account" => "company",
            "title" or "job_title" or "position" or "role" => "title",
            "timezone" or "time_zone" or "tz" => "timezone",
            "country" or "country_code" => "country",
            "status" or "lead_status" => "status",
            "tags" or "tag" or "labels" => "tags",
            _ => null,
        };
        if (field is not null) return field;
        if (key.StartsWith("custom.")) return IsField(key) ? key : null;
        return key.Length > 0 && LeadValidator.FieldName().IsMatch(key) ? "custom." + key : null;
    }

    public static bool IsField(string? field) =>
        field is not null && (Fields.Contains(field)
                              || (field.StartsWith("custom.", StringComparison.Ordinal) && LeadValidator.FieldName().IsMatch(field["custom.".Length..])));

    public static List<ValidationIssue> ValidateMapping(CsvDocument document, LeadImportMapping mapping)
    {
        var issues = new List<ValidationIssue>();
        if (mapping.Fields.Count != document.Headers.Count)
            issues.Add(ValidationIssue.Error("mapping", "wrong_length", $"The mapping has {mapping.Fields.Count} columns; the file has {document.Headers.Count}."));
        var mapped = mapping.Fields.Where(f => !string.IsNullOrEmpty(f)).ToList();
        foreach (var field in mapped.Where(f => !IsField(f)).Distinct())
            issues.Add(ValidationIssue.Error("mapping", "unknown_field", $"'{field}' is not a lead field; use one of {string.Join(", ", Fields)} or custom.<name>."));
        foreach (var field in mapped.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key))
            issues.Add(ValidationIssue.Error("mapping", "duplicate_field", $"Two columns map to {field}; map it once."));
        if (!mapped.Contains("email"))
            issues.Add(ValidationIssue.Error("mapping", "email_required", "One column must map to email."));
        return issues;
    }

    /// <summary>Turns one row into a lead input by the mapping (empty cells are absent values).</summary>
    public static LeadInput ToInput(CsvRow row, LeadImportMapping mapping)
    {
        string? Get(string field)
        {
            for (var i = 0; i < mapping.Fields.Count && i < row.Fields.Count; i++)
                if (mapping.Fields[i] == field) return string.IsNullOrWhiteSpace(row.Fields[i]) ? null : CsvText.Unguard(row.Fields[i].Trim());
            return null;
        }
        var custom = new Dictionary<string, string>();
        for (var i = 0; i < mapping.Fields.Count && i < row.Fields.Count; i++)
            if (mapping.Fields[i] is { } f && f.StartsWith("custom.", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(row.Fields[i]))
                custom[f["custom.".Length..]] = CsvText.Unguard(row.Fields[i].Trim());
        var tags = Get("tags") is { } tagText ? LeadTags.Parse(tagText) : null;
        return new LeadInput
        {
            Email = Get("email"),
            FirstName = Get("first_name"),
            LastName = Get("last_name"),
            Name = Get("name"),
            Company = Get("company"),
            Title = Get("title"),
            Timezone = Get("timezone"),
            Country = Get("country"),
            Status = Get("status"),
            Tags = tags is { Count: > 0 } ? tags : null,
            Custom = custom.Count > 0 ? custom : null,
        };
    }

    /// <summary>Validates every row, then stores the valid ones batch by batch. Throws <see cref="InputRejectedException"/>
    /// for a bad mapping (nothing stored).</summary>
    /// <param name="updateExisting">A row for a lead already stored updates it with its non-empty cells
    /// (<see cref="LeadService.Merge"/>) instead of being skipped as a duplicate.</param>
    public async Task<LeadImportReport> ImportAsync(CsvDocument document, LeadImportMapping mapping, bool updateExisting = false,
        Func<ImportProgress, Task>? progress = null, CancellationToken ct = default)
    {
        var issues = ValidateMapping(document, mapping);
        if (issues.Count > 0) throw new InputRejectedException(issues);

        var rejected = new List<RejectedRow>();
        var valid = new List<(CsvRow Row, LeadInput Input, Lead Lead)>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in document.Rows)
        {
            if (row.Fields.Count != document.Headers.Count)
            {
                rejected.Add(new RejectedRow(row.Line, null, "wrong_field_count",
                    $"The row has {row.Fields.Count} fields; the header has {document.Headers.Count}."));
                continue;
            }
            var input = ToInput(row, mapping);
            // Surrounding spaces and upper case are not mistakes worth rejecting a row for.
            if (input.Email is { } raw) input = input with { Email = EmailAddresses.Normalize(raw) };
            var problems = LeadValidator.Validate(input);
            if (problems.Count > 0)
            {
                rejected.Add(new RejectedRow(row.Line, input.Email, problems[0].Code, string.Join(" ", problems.Select(p => p.Message))));
                continue;
            }
            var lead = LeadService.ToLead(input);
            if (firstLineOf.TryGetValue(lead.Email, out var first))
            {
                rejected.Add(new RejectedRow(row.Line, lead.Email, "duplicate", $"{lead.Email} already appears on line {first} of this file."));
                continue;
            }
            firstLineOf[lead.Email] = row.Line;
            valid.Add((row, input, lead));
        }

        var (imported, updated, unchanged) = (0, 0, 0);
        var processed = document.Rows.Count - valid.Count;
        if (progress is not null) await progress(new ImportProgress(processed, document.Rows.Count));
        foreach (var batch in valid.Chunk(Math.Max(1, BatchSize)))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var emails = batch.Select(b => b.Lead.Email).ToList();
                var existing = await db.Leads.Where(l => emails.Contains(l.Email)).ToDictionaryAsync(l => l.Email, StringComparer.Ordinal, ct);
                var (skipped, merged, rezoned) = (new List<RejectedRow>(), 0, new List<Lead>());
                foreach (var (row, input, lead) in batch)
                {
                    if (!existing.TryGetValue(lead.Email, out var stored))
                    {
                        db.Leads.Add(lead);
                        continue;
                    }
                    if (!updateExisting)
                    {
                        skipped.Add(new RejectedRow(row.Line, lead.Email, "duplicate", $"A lead with email {lead.Email} already exists; skipped."));
                        continue;
                    }
                    var (zone, country) = (stored.Timezone, stored.Country);
                    LeadService.Merge(stored, input);
                    if (stored.Timezone != zone || stored.Country != country) rezoned.Add(stored);
                    db.Entry(stored).DetectChanges();
                    if (db.Entry(stored).State == EntityState.Modified) merged++;
                }
                await EnrollmentService.RezoneAsync(db, rezoned, clock.GetUtcNow().UtcDateTime, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                rejected.AddRange(skipped); // only once the batch is stored: a rolled-back batch reports its error instead
                imported += batch.Length - existing.Count;
                updated += merged;
                unchanged += existing.Count - merged - skipped.Count;
            }
            catch (DbUpdateException e)
            {
                // Another import or the API stored one of these emails meanwhile: this batch was rolled back as a whole.
                var line = batch[0].Row.Line;
                logger?.LogWarning(e, "CSV import stopped at line {Line}", line);
                return Report(document, imported, updated, unchanged, rejected, e is DbUpdateConcurrencyException
                    ? $"Stopped at line {line}: the scheduler was working on one of these leads. Rows before it were stored; import the file again to do the rest."
                    : $"Stopped at line {line}: the batch could not be stored. Rows before it were imported; import the file again to add the rest (duplicates are skipped).");
            }
            processed += batch.Length;
            if (progress is not null) await progress(new ImportProgress(processed, document.Rows.Count));
        }
        return Report(document, imported, updated, unchanged, rejected, null);
    }

    private static LeadImportReport Report(CsvDocument document, int imported, int updated, int unchanged, List<RejectedRow> rejected, string? error) =>
        new(document.Rows.Count, imported, rejected.OrderBy(r => r.Line).ToList(), error, updated, unchanged);

    [GeneratedRegex("[^a-z0-9_.]+")]
    private static partial Regex NonWord();
}
