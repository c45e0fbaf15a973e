namespace Sequences.Bench;

public enum Scenario { All, SmtpBaseline, Engine, Ratio, Memory, Idle, Builder }

public enum Provider { Sqlite, Postgres }

/// <summary>The command line: <c>[scenario] [--leads N] [--provider sqlite|postgres]</c>.</summary>
public sealed record BenchOptions(Scenario Scenario, int? Leads, IReadOnlyList<Provider> Providers)
{
    public const int MinLeads = 1;
    public const int MaxLeads = 5_000_000;
    public const int DefaultLeads = 20_000;
    public const int DefaultMemoryLeads = 100_000;
    public const int DefaultIdleStates = 1_000_000;

    public static readonly string Usage = $"""
        Usage: dotnet run -c Release --project Sequences.Bench -- [scenario] [--leads N] [--provider sqlite|postgres]

        Scenarios (default: all):
          smtp-baseline  bare MailKit sending N rendered messages to the in-process SMTP sink
          engine         a full queue pass over N due leads (claim, render, send, log, advance)
          ratio          engine mails/s divided by baseline mails/s, per provider (the baseline runs right
                         before and right after each provider's pass, and the two count as one)
          memory         peak working set of a pass over N due leads (default {DefaultMemoryLeads:N0}), in a child process
          idle           duration of a pass when N states are scheduled and none is due (default {DefaultIdleStates:N0})
          all            every scenario above
          builder        the visual builder in Chromium (/usr/bin/chromium): a {BuilderScenario.Steps}-step sequence opening until
                         interactive, and a palette drop until the node shows; SQLite only, not part of all

        Options:
          --leads N      leads (states) per scenario, {MinLeads}..{MaxLeads:N0} (default {DefaultLeads:N0}; memory and idle have their own defaults)
          --provider P   sqlite or postgres (default: both)
          --help         this text
        """;

    public int LeadsFor(Scenario scenario) => Leads ?? scenario switch
    {
        Scenario.Memory => DefaultMemoryLeads,
        Scenario.Idle => DefaultIdleStates,
        _ => DefaultLeads,
    };

    /// <summary>Parses the arguments; <paramref name="error"/> says what was wrong (null with --help).</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BenchOptions options, out string? error)
    {
        options = new BenchOptions(Scenario.All, null, [Provider.Sqlite, Provider.Postgres]);
        error = null;
        Scenario? scenario = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "help":
                    return false;
                case "--leads":
                    if (!TryValue(args, ref i, out var leadsText, out error)) return false;
                    if (!int.TryParse(leadsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var leads)
                        || leads < MinLeads || leads > MaxLeads)
                    {
                        error = $"--leads must be a whole number from {MinLeads} to {MaxLeads:N0}, not '{leadsText}'.";
                        return false;
                    }
                    options = options with { Leads = leads };
                    break;
                case "--provider":
                    if (!TryValue(args, ref i, out var providerText, out error)) return false;
                    Provider? provider = providerText.ToLowerInvariant() switch
                    {
                        "sqlite" => Provider.Sqlite,
                        "postgres" or "postgresql" => Provider.Postgres,
                        _ => null,
                    };
                    if (provider is null)
                    {
                        error = $"--provider must be sqlite or postgres, not '{providerText}'.";
                        return false;
                    }
                    options = options with { Providers = [provider.Value] };
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"Unknown option '{arg}'.";
                        return false;
                    }
                    if (scenario is not null)
                    {
                        error = $"Only one scenario at a time: '{arg}' after '{Name(scenario.Value)}'.";
                        return false;
                    }
                    scenario = Parse(arg);
                    if (scenario is null)
                    {
                        error = $"Unknown scenario '{arg}'.";
                        return false;
                    }
                    break;
            }
        }
        options = options with { Scenario = scenario ?? Scenario.All };
        return true;
    }

    public static string Name(Scenario scenario) => scenario switch
    {
        Scenario.SmtpBaseline => "smtp-baseline",
        _ => scenario.ToString().ToLowerInvariant(),
    };

    private static Scenario? Parse(string text) => text.ToLowerInvariant() switch
    {
        "all" => Scenario.All,
        "smtp-baseline" or "baseline" => Scenario.SmtpBaseline,
        "engine" => Scenario.Engine,
        "ratio" => Scenario.Ratio,
        "memory" => Scenario.Memory,
        "idle" => Scenario.Idle,
        "builder" => Scenario.Builder,
        _ => null,
    };

    private static bool TryValue(IReadOnlyList<string> args, ref int i, out string value, out string? error)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = "";
            error = $"{args[i]} needs a value.";
            return false;
        }
        value = args[++i];
        error = null;
        return true;
    }
}
