using WPAI.Inference.Hosting;
using WPAI.Inference.Tools;

if (args.Length > 0 && args[0] == "model")
{
    return await ModelTool.RunAsync(args[1..], Console.Out);
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
