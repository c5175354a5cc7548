namespace WPAI.Inference.Tools;

/// <summary>Entry point of the model tools (<c>wpai model VERB ...</c>).</summary>
public static class ModelTool
{
    public static Task<int> RunAsync(string[] args, TextWriter output)
    {
        try
        {
            ModelInspector.Inspect(args[1], output);
            return Task.FromResult(0);
        }
        catch (ModelToolException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }
}
