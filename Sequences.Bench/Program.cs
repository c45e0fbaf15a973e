using System.Globalization;
using Sequences.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var child = args.Length > 0 && args[0] == MemoryScenario.ChildCommand;
if (!BenchOptions.TryParse(child ? args[1..] : args, out var options, out var error))
{
    if (error is null)
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

try
{
    if (child)
    {
        await MemoryScenario.RunChildAsync(options.Providers[0], options.LeadsFor(Scenario.Memory), cancel.Token);
        return 0;
    }

    Console.Error.WriteLine($"Sequences bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
    await using var runner = new BenchRunner(options);
    try
    {
        await runner.RunAsync(cancel.Token);
    }
    finally
    {
        if (runner.Rows.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine(Report.Table(runner.Rows));
        }
    }
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (BenchException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
