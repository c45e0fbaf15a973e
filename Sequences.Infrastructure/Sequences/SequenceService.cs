using Microsoft.EntityFrameworkCore;
using Sequences.Core.Common;
using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Core.Tenants;
using Sequences.Infrastructure.Analytics;
using Sequences.Infrastructure.Persistence;

namespace Sequences.Infrastructure.Sequences;

/// <param name="UserId">The owner, whose mailbox and name the sequence sends with.</param>
/// <param name="OwnerName">The owner's display name, else their email address.</param>
public sealed record SequenceSummary(
    Guid Id, string Name, string? Description, SequenceStatus Status, int StepsCount, int Enrolled, int Active,
    int EmailsSent, int Replied, double ReplyRate, DateTime CreatedAt, DateTime UpdatedAt, Guid? UserId = null, string? OwnerName = null);

/// <summary>Sequences of the current tenant: the API and the pages both go through here.</summary>
public sealed class SequenceService(IDbContextFactory<SequencesDbContext> contexts, ITenantContext tenant, TimeProvider clock, LiquidTemplates templates)
{
    public async Task<Page<SequenceSummary>> ListAsync(PageRequest request, SequenceStatus? status = null, Guid? ownerId = null,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Sequences.AsNoTracking();
        if (status is { } s) query = query.Where(x => x.Status == s);
        if (ownerId is { } owner) query = query.Where(x => x.UserId == owner);
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            var q = request.Query.Trim().ToLower();
            query = query.Where(x => x.Name.ToLower().Contains(q) || (x.Description != null && x.Description.ToLower().Contains(q)));
        }
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id)
            .Skip(request.Skip).Take(request.PageSize)
            .Select(x => new
            {
                x.Id, x.Name, x.Description, x.Status, x.StepsCount, x.CreatedAt, x.UpdatedAt, x.UserId,
                OwnerName = db.Users.Where(u => u.Id == x.UserId).Select(u => u.DisplayName ?? u.Email).FirstOrDefault(),
                Enrolled = db.LeadSequenceStates.Count(st => st.SequenceId == x.Id),
                Active = db.LeadSequenceStates.Count(st => st.SequenceId == x.Id && st.Status == EnrollmentStatus.Active),
                Sent = db.LeadSequenceStates.Where(st => st.SequenceId == x.Id).Sum(st => (int?)st.EmailsSent) ?? 0,
                Replied = db.LeadSequenceStates.Count(st => st.SequenceId == x.Id && st.EmailsReplied > 0),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new SequenceSummary(
            r.Id, r.Name, r.Description, r.Status, r.StepsCount, r.Enrolled, r.Active, r.Sent, r.Replied,
            new Metrics(r.Sent, 0, 0, r.Replied, 0, 0).ReplyRate, r.CreatedAt, r.UpdatedAt, r.UserId, r.OwnerName)).ToList();
        return new Page<SequenceSummary>(items, total, request.Page, request.PageSize);
    }

    /// <summary>The sequence with its latest version's steps (the draft while there is one), or those of <paramref name="version"/>.</summary>
    public async Task<Sequence> GetAsync(Guid id, CancellationToken ct = default, int? version = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await LoadAsync(db, id, tracking: false, ct, version);
        if (version is { } v && sequence.Steps.Count == 0 && v != sequence.Version && v != sequence.DraftVersion)
            throw new NotFoundException($"Version {v} of sequence", id);
        return sequence;
    }

    /// <summary>Every version's steps: names for log entries of enrollments on any version.</summary>
    public async Task<IReadOnlyList<SequenceStep>> StepsOfAllVersionsAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await LoadAsync(db, id, tracking: false, ct, allVersions: true)).Steps;
    }

    public async Task<Sequence> CreateAsync(SequenceInput input, CancellationToken ct = default)
    {
        Reject(StepShapeValidator.ValidateSequence(input));
        var steps = StepMapper.Build(input.Steps ?? [], new HashSet<Guid>());
        var sequence = new Sequence
        {
            Name = input.Name!.Trim(),
            Description = input.Description,
            Settings = input.Settings ?? new SequenceSettings(),
            UserId = tenant.UserId,
        };
        AttachSteps(sequence, steps);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await TemplateReferences.CheckAsync(db, input.Steps ?? [], "steps", ct);
        db.Sequences.Add(sequence);
        await db.SaveChangesAsync(ct);
        return sequence;
    }

    /// <summary>PUT: replaces name, description and settings; with <c>steps</c> also the whole step list
    /// (steps whose ids exist are updated, others created, missing ones deleted) in one transaction.</summary>
    /// <param name="readAt">The <see cref="Sequence.UpdatedAt"/> the editor read: when the sequence was saved since
    /// (another tab, a teammate), the edit is refused with <see cref="StaleEditException"/> rather than overwriting theirs.
    /// Null saves whatever was stored.</param>
    public async Task<Sequence> UpdateAsync(Guid id, SequenceInput input, CancellationToken ct = default, DateTime? readAt = null)
    {
        Reject(StepShapeValidator.ValidateSequence(input));
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (input.Steps is not null)
        {
            await TemplateReferences.CheckAsync(db, input.Steps, "steps", ct);
            await RejectOtherSequencesStepsAsync(db, id, input.Steps, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await LoadAsync(db, id, tracking: true, ct);
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence cannot be edited.");
        // To the microsecond: PostgreSQL keeps no finer time, so a stamp read back from an entity in memory has more.
        if (readAt is { } read && sequence.UpdatedAt.Ticks / 10 != read.Ticks / 10) throw new StaleEditException(sequence.UpdatedAt);
        // Every save moves the stamp, also one that changes only steps, so the next stale editor is caught.
        sequence.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        var stepInputs = input.Steps;
        if (stepInputs is not null && sequence is { Status: SequenceStatus.Active or SequenceStatus.Paused, DraftVersion: null }
            && DraftVersions.OnlyLayoutDiffers(stepInputs, sequence.Steps))
        {
            DraftVersions.ApplyLayout(stepInputs, sequence.Steps);
            stepInputs = null;
        }
        if (stepInputs is not null) sequence = await DraftVersions.LoadForEditAsync(db, id, ct);
        sequence.Name = input.Name!.Trim();
        sequence.Description = input.Description;
        sequence.Settings = input.Settings ?? new SequenceSettings();
        if (stepInputs is not null)
        {
            var oldOrder = sequence.Steps.ToList();
            var existing = oldOrder.ToDictionary(s => s.Id);
            var desired = StepMapper.Build(DraftVersions.ToDraftIds(stepInputs, oldOrder), existing.Keys.ToHashSet());
            var kept = new List<SequenceStep>();
            foreach (var step in desired)
            {
                if (existing.Remove(step.Id, out var current))
                {
                    ReplaceFields(db, current, step);
                    kept.Add(current);
                }
                else
                {
                    step.SequenceId = sequence.Id;
                    step.Version = sequence.LatestVersion;
                    db.SequenceSteps.Add(step);
                    kept.Add(step);
                }
            }
            db.SequenceSteps.RemoveRange(existing.Values);
            await StepOrdering.ApplyAsync(db, sequence, kept, existing.Values, oldOrder, clock.GetUtcNow().UtcDateTime, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await LoadAsync(db, id, tracking: false, ct);
    }

    /// <summary>A new step of a PUT may bring an id of its own (the builder's, routes name it), but not one of a step
    /// of another sequence: that is a client mixing up its sequences, and silently copying would hide it.</summary>
    private static async Task RejectOtherSequencesStepsAsync(SequencesDbContext db, Guid sequenceId, IReadOnlyList<StepInput> steps, CancellationToken ct)
    {
        var ids = steps.Where(s => s?.Id is not null).Select(s => s.Id!.Value).ToList();
        if (ids.Count == 0) return;
        var foreign = (await db.SequenceSteps.Where(s => ids.Contains(s.Id) && s.SequenceId != sequenceId).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        if (foreign.Count == 0) return;
        throw new InputRejectedException(steps.Select((s, i) => (s, i)).Where(x => x.s?.Id is { } stepId && foreign.Contains(stepId))
            .Select(x => ValidationIssue.Error($"steps[{x.i}].id", "other_sequence", $"Step {x.s.Id} belongs to another sequence.")).ToList());
    }

    /// <summary>Hands the sequence to a teammate: from the next pass its emails go out from their mailbox (or the
    /// default sender) and under their name. Not versioned: it applies to every version at once.</summary>
    public async Task<Sequence> SetOwnerAsync(Guid id, Guid? userId, CancellationToken ct = default)
    {
        if (userId is not { } ownerId) throw new InputRejectedException("user_id", "required", "Name the teammate who is to own the sequence.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await db.Sequences.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        if (sequence.Status == SequenceStatus.Archived) throw new ConflictException("An archived sequence cannot be edited.");
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == ownerId && u.TenantId == sequence.TenantId)
            .Select(u => new { u.DeactivatedAt }).FirstOrDefaultAsync(ct)
            ?? throw new InputRejectedException("user_id", "unknown_user", $"User {ownerId} is not a member of this workspace.");
        if (owner.DeactivatedAt is not null)
            throw new InputRejectedException("user_id", "deactivated_user", "This teammate is deactivated. Reactivate them first, or pick someone else.");
        sequence.UserId = ownerId;
        await db.SaveChangesAsync(ct);
        return await LoadAsync(db, id, tracking: false, ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequence = await db.Sequences.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        if (await db.LeadSequenceStates.AnyAsync(s => s.SequenceId == id, ct))
            throw new ConflictException("This sequence has enrollments; archive it instead of deleting it.");
        db.Sequences.Remove(sequence);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Sequence> DuplicateAsync(Guid id, CancellationToken ct = default)
    {
        var source = await GetAsync(id, ct);
        return await CreateAsync(new SequenceInput
        {
            Name = Truncate($"{source.Name} (copy)", StepShapeValidator.MaxNameLength),
            Description = source.Description,
            Settings = source.Settings,
            Steps = source.Steps.Select(StepMapper.ToInput).ToList(),
        }, ct);
    }

    public async Task<IReadOnlyList<ValidationIssue>> ValidateAsync(Guid id, CancellationToken ct = default) =>
        SequenceValidator.Validate(await GetAsync(id, ct), templates);

    public async Task<SequenceDocument> ExportAsync(Guid id, CancellationToken ct = default)
    {
        var sequence = await GetAsync(id, ct);
        return new SequenceDocument
        {
            FormatVersion = SequenceDocument.CurrentFormatVersion,
            Name = sequence.Name,
            Description = sequence.Description,
            Settings = sequence.Settings,
            Steps = sequence.Steps.Select(StepMapper.ToInput).ToList(),
        };
    }

    public async Task<Sequence> ImportAsync(SequenceDocument document, CancellationToken ct = default)
    {
        if (document.FormatVersion != SequenceDocument.CurrentFormatVersion)
            throw new InputRejectedException("format_version", "unsupported_format",
                $"format_version must be {SequenceDocument.CurrentFormatVersion}.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var steps = document.Steps is null ? null : await TemplateReferences.WithoutUnknownAsync(db, document.Steps, ct);
        // Importing an export next to its original would give two sequences of one name, easy to mix up in pickers.
        var name = document.Name?.Trim();
        if (!string.IsNullOrEmpty(name) && await db.Sequences.AnyAsync(s => s.Name == name, ct))
            name = Truncate($"{name} (imported)", StepShapeValidator.MaxNameLength);
        return await CreateAsync(new SequenceInput
        {
            Name = name,
            Description = document.Description,
            Settings = document.Settings,
            Steps = steps,
        }, ct);
    }

    /// <summary>A sequence with one version's steps (default: the latest, where edits go), or every version's.</summary>
    internal static async Task<Sequence> LoadAsync(SequencesDbContext db, Guid id, bool tracking, CancellationToken ct,
        int? version = null, bool allVersions = false)
    {
        var sequences = tracking ? db.Sequences : db.Sequences.AsNoTracking();
        var sequence = await sequences.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Sequence", id);
        var wanted = version ?? sequence.LatestVersion;
        var query = db.SequenceSteps.Include(s => s.Variants).AsSplitQuery().Where(s => s.SequenceId == id);
        if (!allVersions) query = query.Where(s => s.Version == wanted);
        if (!tracking) query = query.AsNoTracking();
        var steps = await query.ToListAsync(ct);
        // Tracked steps are fixed up into the tracked sequence's collection; untracked ones are attached by hand.
        if (!tracking) sequence.Steps = steps;
        // Sorted in place: a tracked entity's collection must not be swapped, or EF would orphan its rows.
        sequence.Steps.Sort((a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : a.StepOrder.CompareTo(b.StepOrder));
        return sequence;
    }

    private static void AttachSteps(Sequence sequence, IReadOnlyList<SequenceStep> steps)
    {
        foreach (var step in steps)
        {
            step.SequenceId = sequence.Id;
            step.Version = sequence.Version;
            sequence.Steps.Add(step);
        }
        sequence.StepsCount = steps.Count;
    }

    /// <summary>Copies a freshly mapped step's editable fields onto the tracked one, replacing its variants.</summary>
    internal static void ReplaceFields(SequencesDbContext db, SequenceStep current, SequenceStep desired) =>
        ReplaceFields(db, current, StepMapper.ToInput(desired));

    /// <summary>Gives a stored step <paramref name="input"/>'s fields; its variants are replaced by new rows.</summary>
    internal static void ReplaceFields(SequencesDbContext db, SequenceStep current, StepInput input)
    {
        db.SequenceStepVariants.RemoveRange(current.Variants);
        StepMapper.Apply(current, input);
        // Added by hand: found only through the navigation, and with their ids already set, EF would take the new
        // variants for stored rows and UPDATE rows that do not exist.
        db.SequenceStepVariants.AddRange(current.Variants);
    }

    private static void Reject(List<ValidationIssue> issues)
    {
        if (issues.Count > 0) throw new InputRejectedException(issues);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>The sequence was saved by someone else after the editor read it.</summary>
public sealed class StaleEditException(DateTime savedAt)
    : ConflictException($"This sequence was saved elsewhere (another tab or a teammate) at {savedAt:yyyy-MM-dd HH:mm:ss} UTC, after you opened it.")
{
    public DateTime SavedAt { get; } = savedAt;
}
