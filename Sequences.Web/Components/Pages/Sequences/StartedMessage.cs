using MudBlazor;
using Sequences.Infrastructure.Engine;

namespace Sequences.Web.Components.Pages.Sequences;

/// <summary>What starting a sequence tells the person who started it: how many leads it will now mail, or, when
/// none is enrolled, that nothing will happen until some are (a start with nobody enrolled sends nothing).</summary>
public static class StartedMessage
{
    public static (string Text, Severity Severity) For(SequenceProgress progress)
    {
        var scheduled = progress.ByStatus.GetValueOrDefault("active");
        return scheduled switch
        {
            0 => ("Started. No leads are enrolled yet: assign the sequence to a campaign, or enroll leads from the Leads page.", Severity.Info),
            1 => ("Started: 1 enrolled lead is scheduled.", Severity.Success),
            _ => ($"Started: {scheduled} enrolled leads are scheduled.", Severity.Success),
        };
    }
}
