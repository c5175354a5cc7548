using WPAI.Inference.Hosting;
using WPAI.Inference.Tools;

if (args.Length > 0 && args[0] == "model")
{
    return await ModelTool.RunAsync(args[1..], Console.Out);
}

await using var app = InferenceServer.Build(args);
await app.RunAsync();
return 0;
