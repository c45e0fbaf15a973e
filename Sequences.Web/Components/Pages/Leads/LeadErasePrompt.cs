using MudBlazor;

namespace Sequences.Web.Components.Pages.Leads;

/// <summary>The question before leads are erased, asked the same way on the lead page and for a selection.</summary>
public static class LeadErasePrompt
{
    /// <param name="what">"ada@example.com" or "12 leads".</param>
    /// <returns>null: cancelled; false: delete; true: delete and keep the addresses suppressed.</returns>
    public static async Task<bool?> AskAsync(IDialogService dialogs, string what, bool several)
    {
        var choice = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = several ? "Delete leads" : "Delete lead",
            Message = $"Delete {what} and everything stored about {(several ? "them" : "it")}: sequences, emails, opens, clicks, replies and log? " +
                      $"Sequence analytics lose {(several ? "their" : "its")} sends. This cannot be undone. To be sure {(several ? "they are" : "it is")} " +
                      $"never mailed again, even if imported again, also block the address{(several ? "es" : "")}.",
            YesText = "Delete",
            NoText = several ? "Delete and block the addresses" : "Delete and block the address",
            CancelText = "Cancel",
        });
        return choice is { } deleteOnly ? !deleteOnly : null; // the box answers Yes true, No false, Cancel null
    }
}
