using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using Sequences.Core.Sequences;
using Sequences.Web.Components.Pages.Sequences.Builder;

namespace Sequences.Tests.Web;

/// <summary>The builder's settings dialog: every setting reaches the document on Apply, a bad value shows the API's
/// message and never reaches it, Cancel changes nothing.</summary>
public sealed class SequenceSettingsDialogTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext _bunit = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero));
    private IRenderedComponent<MudDialogProvider> _dialogs = default!;
    private IRenderedComponent<MudPopoverProvider> _popovers = default!;
    private readonly BuilderDocument _document = new() { Name = "Settings" };
    private int _changes;

    public Task InitializeAsync()
    {
        _bunit.Services.AddSingleton<TimeProvider>(_clock);
        _bunit.Services.AddMudServices();
        _bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        _popovers = _bunit.Render<MudPopoverProvider>();
        _dialogs = _bunit.Render<MudDialogProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private void Open(bool readOnly = false)
    {
        _bunit.Render<SequenceSettingsButton>(p => p.Add(b => b.Document, _document).Add(b => b.ReadOnly, readOnly).Add(b => b.Changed, () => _changes++))
            .Find("[data-testid=sequence-settings-open]").Click();
        _dialogs.WaitForElement("[data-testid=sequence-settings-dialog]", Wait);
    }

    private IElement Input(string testId) => _dialogs.FindInput(testId);

    private IElement ApplyButton => _dialogs.Find("[data-testid=sequence-settings-apply]");

    [Fact]
    public void Opens_with_the_documents_settings_explained()
    {
        _document.Settings = new SequenceSettings { SendWindow = new SendWindow("08:30", "18:00"), Timezone = "Europe/Berlin", PerDomainHourlyCap = 20 };
        Open();

        Input("sequence-settings-window-start").GetAttribute("value").Should().Be("08:30");
        Input("sequence-settings-window-end").GetAttribute("value").Should().Be("18:00");
        Input("sequence-settings-timezone").GetAttribute("value").Should().Be("Europe/Berlin");
        Input("sequence-settings-domain-cap").GetAttribute("value").Should().Be("20");
        _dialogs.Markup.Should().Contain("For leads who have no time zone of their own").And.Contain("24:00 means until midnight");
    }

    [Fact]
    public void Each_field_changes_the_document_on_apply()
    {
        Open();
        Input("sequence-settings-window-start").Input("07:00");
        Input("sequence-settings-window-end").Input("24:00");
        Input("sequence-settings-business-days").Change(false);
        Input("sequence-settings-skip-holidays").Change(true);
        Input("sequence-settings-track-opens").Change(false);
        Input("sequence-settings-track-clicks").Change(false);
        Input("sequence-settings-stop-on-reply").Change(false);
        Input("sequence-settings-stop-on-company-reply").Change(true);
        Input("sequence-settings-on-send-failure-stop").Click();
        Input("sequence-settings-domain-cap").Input("25");
        _changes.Should().Be(0, "nothing reaches the document before Apply");

        ApplyButton.Click();

        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=sequence-settings-dialog]").Should().BeEmpty(), Wait);
        _document.Settings.Should().Be(new SequenceSettings
        {
            SendWindow = new SendWindow("07:00", "24:00"), BusinessDaysOnly = false, SkipHolidays = true, TrackOpens = false, TrackClicks = false,
            StopOnReply = false, StopOnCompanyReply = true, OnSendFailure = SendFailurePolicy.Stop, PerDomainHourlyCap = 25,
        });
        _changes.Should().Be(1);
    }

    [Fact]
    public void The_time_zone_is_picked_from_iana_zones_by_city()
    {
        Open();
        Input("sequence-settings-timezone").Input("new york");
        _clock.Advance(TimeSpan.FromSeconds(1));

        // The list of zones opens in the popover layer, outside the dialog.
        var option = _popovers.WaitForElement(".mud-popover-open .mud-list-item", Wait);
        option.TextContent.Should().Contain("America/New_York");
        option.Click();
        _dialogs.WaitForAssertion(() => Input("sequence-settings-timezone").GetAttribute("value").Should().Be("America/New_York"), Wait);
        ApplyButton.Click();

        _dialogs.WaitForAssertion(() => _document.Settings.Timezone.Should().Be("America/New_York"), Wait);
    }

    [Fact]
    public void A_window_that_ends_before_it_starts_shows_a_message_and_is_not_applied()
    {
        Open();
        Input("sequence-settings-window-start").Input("18:00");

        _dialogs.Markup.Should().Contain("The window must end after it starts.");
        ApplyButton.HasAttribute("disabled").Should().BeTrue();
        ApplyButton.Click();
        _document.Settings.SendWindow.Should().Be(new SendWindow());

        Input("sequence-settings-window-start").Input("25:00");
        _dialogs.Markup.Should().Contain("The window start must be a 24-hour time HH:mm.");

        Input("sequence-settings-window-start").Input("09:30");
        _dialogs.Markup.Should().NotContain("The window start must be").And.NotContain("must end after it starts");
        ApplyButton.HasAttribute("disabled").Should().BeFalse();
    }

    [Fact]
    public void A_time_zone_that_is_not_iana_and_a_zero_cap_are_refused_with_the_apis_words()
    {
        Open();
        var zone = Input("sequence-settings-timezone");
        zone.Input("Mars/Olympus");
        zone.Blur();
        Input("sequence-settings-domain-cap").Input("0");

        _dialogs.WaitForAssertion(() => _dialogs.Markup.Should().Contain("is not an IANA time zone"), Wait);
        _dialogs.Markup.Should().Contain("The emails per recipient domain per hour must be from 1 to 100000 (empty: no limit).");
        ApplyButton.HasAttribute("disabled").Should().BeTrue();
        _document.Settings.Should().Be(new SequenceSettings());
    }

    [Fact]
    public void Cancel_leaves_the_document_alone()
    {
        Open();
        Input("sequence-settings-window-start").Input("06:00");
        _dialogs.Find("[data-testid=sequence-settings-cancel]").Click();

        _dialogs.WaitForAssertion(() => _dialogs.FindAll("[data-testid=sequence-settings-dialog]").Should().BeEmpty(), Wait);
        _document.Settings.Should().Be(new SequenceSettings());
        _changes.Should().Be(0);
    }

    [Fact]
    public void An_archived_sequence_shows_its_settings_without_apply()
    {
        Open(readOnly: true);

        _dialogs.FindAll("[data-testid=sequence-settings-apply]").Should().BeEmpty();
        _dialogs.Find("[data-testid=sequence-settings-cancel]").TextContent.Should().Be("Close");
    }
}
