using WPAI.Inference.Hosting;
using WPAI.Inference.Tools;

if (args.Length > 0 && args[0] == "model")
{
    return await ModelTool.RunAsync(args[1..], Console.Out);
}

if (args.Contains("--device-check"))
{
    // Which execution providers load on this machine, and why the others do not.
    var statuses = WPAI.Inference.Runtime.ExecutionProviderSelector.Check();
    foreach (var status in statuses)
    {
        Console.WriteLine($"{status.Name,-9} {(status.Loads ? "loads" : "no"),-6} {status.Detail}");
    }

    return 0;
}

try
{
    await using var app = InferenceServer.Build(args);
    await app.RunAsync();
    return 0;
}
catch (InferenceStartupException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    // A setting that fails validation at start (a --models folder that does not exist): say which, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
