using System.Text;
using System.Text.Json;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;
using Sequences.Core.Common;
using Sequences.Core.Sequences;
using Sequences.Core.Templates;
using Sequences.Infrastructure.Engine;
using Sequences.Infrastructure.Sequences;
using Sequences.Web.Components.Pages.Sequences.Preview;

namespace Sequences.Web.Components.Pages.Sequences.Builder;

/// <summary>The visual builder: palette, canvas, list view, properties and validation over one
/// <see cref="BuilderDocument"/>, saved in one call (one transaction) to <see cref="SequenceService"/>.</summary>
public sealed partial class SequenceBuilder : IDisposable
{

    private readonly BlazorDiagram _diagram;
    private readonly DiagramMapper _mapper;
    private BuilderDocument _doc = new();
    private string _savedSnapshot = "";
    private IReadOnlyList<ValidationIssue> _issues = [];
    private IReadOnlyList<ValidationIssue> _saveProblems = [];
    private StepDraft? _selected;
    private StepType? _dragging;
    private Guid? _id;
    private Guid? _loadedId;
    private SequenceStatus? _status;
    private int _version = 1;
    private int? _draftVersion;
    private IReadOnlyList<SequenceStep> _savedSteps = [];
    private string? _saveError;
    // The stored sequence's UpdatedAt when this tab read it; a save refuses to overwrite a later save from elsewhere.
    private DateTime? _readAt;
    private bool _staleSave;
    private bool _nameTouched;
    private bool _loaded;
    private bool _notFound;
    private bool _dirty;
    private bool _busy;
    private bool _readOnly;
    private bool _canvasReady;

    public SequenceBuilder()
    {
        _diagram = new BlazorDiagram(new BlazorDiagramOptions
        {
            AllowMultiSelection = false,
            Links = { EnableSnapping = true, SnappingRadius = 40, RequireTarget = true },
            Constraints =
            {
                ShouldDeleteNode = node =>
                {
                    if (node is StepNodeModel step) _ = InvokeAsync(() => DeleteAsync(step.Step));
                    // The builder deletes through the document (with its confirmation), then re-syncs the diagram.
                    return ValueTask.FromResult(false);
                },
                ShouldDeleteLink = link =>
                {
                    _ = InvokeAsync(() => DeleteBranchAsync(link));
                    return ValueTask.FromResult(false);
                },
            },
        });
        _diagram.RegisterComponent<StartNodeModel, StartNodeWidget>();
        _diagram.RegisterComponent<StepNodeModel, StepNodeWidget>();
        _mapper = new DiagramMapper(_diagram, _doc);
        _mapper.DocumentChanged += OnDiagramChanged;
        _diagram.SelectionChanged += OnSelectionChanged;
        _diagram.ContainerChanged += OnContainerChanged;
    }

    [Parameter]
    public Guid? Id { get; set; }

    [Inject] private SequenceService Service { get; set; } = default!;
    [Inject] private SequenceLifecycle Lifecycle { get; set; } = default!;
    [Inject] private SequenceVersionService Versions { get; set; } = default!;
    [Inject] private LiquidTemplates Templates { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ILogger<SequenceBuilder> Logger { get; set; } = default!;

    private bool HasErrors => _issues.Any(i => i.Severity == IssueSeverity.Error);

    private IReadOnlyList<ValidationIssue> SequenceIssues => _issues.Where(i => i.StepId is null).ToList();

    protected override async Task OnParametersSetAsync()
    {
        // Prerendering shows the loading bar only. The canvas needs the circuit anyway, and a prerendered document
        // (list, properties, validation of every step) is work the server does twice and the browser lays out only
        // to replace: it made the builder slower to become usable, not faster.
        if (!RendererInfo.IsInteractive) return;
        // After the first save of a new sequence the route changes to its edit page: the document is already loaded.
        if (_loaded && Id == _loadedId) return;
        _loaded = false;
        _notFound = false;
        _saveError = null;
        if (Id is not { } id)
        {
            _id = null;
            _status = null;
            _readOnly = false;
            _nameTouched = false;
            Load(new BuilderDocument { Name = "" });
        }
        else
        {
            try
            {
                var sequence = await Service.GetAsync(id);
                _id = id;
                _readOnly = sequence.Status == SequenceStatus.Archived;
                Loaded(sequence);
            }
            catch (NotFoundException)
            {
                _notFound = true;
                return;
            }
        }
        _loadedId = Id;
        _loaded = true;
    }

    /// <summary>A stored sequence (its latest version: the draft while there is one) becomes the document.</summary>
    private void Loaded(Sequence sequence)
    {
        _readAt = sequence.UpdatedAt;
        _staleSave = false;
        _status = sequence.Status;
        _version = sequence.Version;
        _draftVersion = sequence.DraftVersion;
        _savedSteps = sequence.Steps;
        Load(BuilderDocument.From(sequence));
    }

    private void Load(BuilderDocument document)
    {
        _doc = document;
        _savedSnapshot = document.Snapshot();
        _selected = null;
        Revalidate();
        _mapper.Load(document, _issues);
    }

    private void Revalidate()
    {
        _issues = BuilderValidation.Validate(_doc, Templates);
        _dirty = _doc.Snapshot() != _savedSnapshot;
    }

    /// <summary>After the order, the set of steps or a route changed: everything on the canvas follows.</summary>
    private void StructureChanged()
    {
        Revalidate();
        _mapper.Sync(_issues);
    }

    private void OnNameChanged(string? name)
    {
        _doc.Name = name ?? "";
        _nameTouched = true;
        Revalidate();
    }

    /// <summary>A new sequence's empty name is not an error until the user has typed in it or tried to save.</summary>
    private string? NameError => _id is not null || _nameTouched || _saveError is not null ? FieldIssues.For(SequenceIssues, "name") : null;

    private void OnDescriptionChanged(string? description)
    {
        _doc.Description = description;
        Revalidate();
    }

    private Task OnPropertiesChangedAsync()
    {
        Revalidate();
        // Routes and step titles show on other nodes and links too, so a condition re-syncs the whole canvas.
        if (_selected?.StepType == StepType.Condition) _mapper.Sync(_issues);
        else if (_selected is not null) _mapper.Refresh(_selected, _issues);
        return Task.CompletedTask;
    }

    private void OnDiagramChanged(bool structural) =>
        _ = InvokeAsync(async () =>
        {
            // Let the diagram finish the gesture that raised this before its links are rebuilt.
            await Task.Yield();
            if (structural) StructureChanged();
            else Revalidate();
            StateHasChanged();
        });

    /// <summary>Drops can be placed only once the canvas knows where it is on the screen.</summary>
    private void OnContainerChanged()
    {
        if (_canvasReady || _diagram.Container is null) return;
        _canvasReady = true;
        _ = InvokeAsync(StateHasChanged);
    }

    private void OnSelectionChanged(SelectableModel model) =>
        _ = InvokeAsync(() =>
        {
            _selected = _diagram.GetSelectedModels().OfType<StepNodeModel>().FirstOrDefault()?.Step;
            StateHasChanged();
        });

    private Task SelectAsync(StepDraft step)
    {
        _selected = step;
        if (_mapper.NodeFor(step.Id) is { } node) _diagram.SelectModel(node, true);
        return Task.CompletedTask;
    }

    private void OnDragging(StepType type) => _dragging = type;

    private async Task AppendAsync(StepType type) => await InsertAsync(type, _doc.Steps.Count);

    private async Task InsertAsync(StepType type, int index)
    {
        if (_readOnly) return;
        var step = _doc.Insert(index, StepDraft.New(type));
        StructureChanged();
        await SelectAsync(step);
    }

    /// <summary>A palette item dropped on the canvas: on a link it inserts there, anywhere else it appends.</summary>
    private async Task OnDropAsync(DragEventArgs e)
    {
        if (_dragging is not { } type) return;
        _dragging = null;
        // Before the canvas has measured itself there is no point to hit: append.
        var index = _diagram.Container is null ? null : _mapper.FindInsertIndex(_diagram.GetRelativeMousePoint(e.ClientX, e.ClientY));
        await InsertAsync(type, index ?? _doc.Steps.Count);
    }

    private Task OnListMovedAsync(StepMove move)
    {
        if (_doc.Move(move.Step.Id, move.Index)) StructureChanged();
        return Task.CompletedTask;
    }

    private void TidyUp()
    {
        foreach (var step in _doc.Steps)
        {
            step.PositionX = null;
            step.PositionY = null;
        }
        StructureChanged();
    }

    private async Task DeleteAsync(StepDraft step)
    {
        if (_readOnly || _doc.IndexOf(step.Id) < 0) return;
        var references = _doc.ReferencesTo(step.Id);
        if (references.Count > 0)
        {
            var users = string.Join(", ", references.Select(r => StepText.Title(r, _doc.IndexOf(r.Id))));
            var confirmed = await Dialogs.ShowMessageBoxAsync("Delete step",
                $"{StepText.Title(step, _doc.IndexOf(step.Id))} is used by {users}. Delete it anyway? Those routes will go on to the next step instead.",
                yesText: "Delete", cancelText: "Cancel");
            if (confirmed != true) return;
        }
        _doc.Remove(step.Id);
        if (_selected == step) _selected = null;
        StructureChanged();
        StateHasChanged();
    }

    /// <summary>Deleting a yes/no link ends the sequence on that branch; the chain's own links cannot be deleted.</summary>
    private Task DeleteBranchAsync(BaseLinkModel link)
    {
        if (_readOnly || link.Source.Model is not StepPortModel { Role: PortRole.Yes or PortRole.No } port || port.Parent is not StepNodeModel node)
            return Task.CompletedTask;
        _doc.SetBranch(node.Step, port.Role == PortRole.Yes, null);
        StructureChanged();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private async Task SaveAsync() => await TrySaveAsync();

    /// <summary>After a stale save was refused: the user chose to put this tab's document over the other save.</summary>
    private async Task OverwriteAsync()
    {
        _readAt = null;
        await TrySaveAsync();
    }

    /// <summary>One call, one transaction. A failure keeps the document exactly as typed and says why.</summary>
    private async Task<bool> TrySaveAsync()
    {
        _busy = true;
        _saveError = null;
        _saveProblems = [];
        try
        {
            var input = _doc.ToInput();
            var saved = _id is { } id ? await Service.UpdateAsync(id, input, readAt: _readAt) : await Service.CreateAsync(input);
            var selectedIndex = _selected is null ? -1 : _doc.IndexOf(_selected.Id);
            var created = _id is null;
            _id = saved.Id;
            _loadedId = saved.Id;
            Loaded(saved);
            if (selectedIndex >= 0 && selectedIndex < _doc.Steps.Count) await SelectAsync(_doc.Steps[selectedIndex]);
            Snackbar.Add("Saved.", Severity.Success);
            if (created) Navigation.NavigateTo($"/sequences/{saved.Id}/edit", replace: true);
            return true;
        }
        catch (InputRejectedException ex)
        {
            _saveError = "Not saved: fix these first.";
            _saveProblems = ex.Issues;
        }
        catch (StaleEditException ex)
        {
            _saveError = $"Not saved: {ex.Message} Saving now would overwrite those changes. Reload the page to see them " +
                         "(export this version first to keep it), or overwrite them with this tab's version.";
            _staleSave = true;
        }
        catch (ConflictException ex)
        {
            _saveError = $"Not saved: {ex.Message}";
        }
        catch (NotFoundException)
        {
            _saveError = "Not saved: this sequence no longer exists (it may have been deleted). Export or copy your work before leaving.";
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Saving sequence {SequenceId} failed", _id);
            _saveError = "Not saved: something went wrong on our side. Your changes are still here; try again in a moment.";
        }
        finally
        {
            _busy = false;
        }
        return false;
    }

    /// <summary>Saves what is typed, then shows the dry run: where the leads in flight are and where each group goes.</summary>
    private async Task PublishAsync()
    {
        if (HasErrors || _id is not { } id) return;
        if (_dirty && !await TrySaveAsync()) return;
        var dialog = await PublishDialog.ShowAsync(Dialogs, id, _savedSteps);
        if (await dialog.Result is not { Canceled: false, Data: PublishResult result }) return;
        Loaded(await Service.GetAsync(id));
        Snackbar.Add($"Version {result.ToVersion} is live: {result.LeadsMoved:N0} lead(s) moved, {result.LeadsDraining:N0} finish on their version.", Severity.Success);
    }

    private async Task DiscardDraftAsync()
    {
        if (_id is not { } id) return;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Discard the draft?",
            $"Every change since version {_version} went live is lost; the running version stays as it is.", yesText: "Discard", cancelText: "Keep editing");
        if (confirmed != true) return;
        try
        {
            await Versions.DiscardDraftAsync(id);
            Loaded(await Service.GetAsync(id));
            Snackbar.Add("Draft discarded.", Severity.Info);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            _saveError = ex.Message;
        }
    }

    private async Task StartAsync()
    {
        if (HasErrors) return;
        if ((_dirty || _id is null) && !await TrySaveAsync()) return;
        _busy = true;
        try
        {
            var started = await Lifecycle.StartAsync(_id!.Value);
            _status = started.Status;
            _readAt = started.UpdatedAt;
            var (text, severity) = StartedMessage.For(await Lifecycle.ProgressAsync(_id!.Value));
            Snackbar.Add(text, severity);
        }
        catch (UnprocessableException ex)
        {
            _saveError = "Not started: fix these first.";
            _saveProblems = ex.Issues;
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            _saveError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private Task PreviewAsync() => SequencePreviewDialog.ShowAsync(Dialogs, _doc.ToInput(), _id);

    private async Task ExportAsync()
    {
        if (_id is not { } id) return;
        var document = await Service.ExportAsync(id);
        var json = ExportFiles.Serialize(document);
        await JS.InvokeVoidAsync("sequencesDownload", ExportFiles.FileName(document.Name), json);
        if (_dirty) Snackbar.Add("Exported the last saved version; your unsaved changes are not in the file.", Severity.Info);
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        var imported = await ExportFiles.ImportAsync(e.File, Service, Snackbar, Logger);
        if (imported is not null) Navigation.NavigateTo($"/sequences/{imported.Id}/edit");
    }

    private async Task DuplicateAsync()
    {
        if (_id is not { } id) return;
        _busy = true;
        try
        {
            var copy = await Service.DuplicateAsync(id);
            Snackbar.Add(_dirty ? $"Duplicated the last saved version as \"{copy.Name}\"." : $"Duplicated as \"{copy.Name}\".", Severity.Success);
            Navigation.NavigateTo($"/sequences/{copy.Id}/edit");
        }
        catch (Exception ex) when (ex is NotFoundException or ConflictException or InputRejectedException)
        {
            Snackbar.Add($"Could not duplicate: {ex.Message}", Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task OnBeforeNavigationAsync(LocationChangingContext context)
    {
        if (!_dirty) return;
        var leave = await Dialogs.ShowMessageBoxAsync("Unsaved changes", "You have unsaved changes. Leave and lose them?",
            yesText: "Leave", cancelText: "Stay");
        if (leave != true) context.PreventNavigation();
    }

    public void Dispose()
    {
        _mapper.DocumentChanged -= OnDiagramChanged;
        _diagram.SelectionChanged -= OnSelectionChanged;
        _diagram.ContainerChanged -= OnContainerChanged;
    }
}
