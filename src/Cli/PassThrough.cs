using Spectre.Console;
using WPAI.Inference.Tools;
using WPAI.Simulation.Inference;
using WPAI.Simulation.Mixing;

namespace WPAI.Cli;

/// <summary>
/// Branches whose own tools parse their arguments: <c>wpai model …</c> (the model tools of the model server) and
/// <c>wpai simulate --inference FILE[,FILE…] …</c> (the autoscaling replay) and <c>wpai simulate --mixing …</c> (the combined
/// training + inference replay with the mixing controllers). They write plain text to the output.
/// </summary>
public static class PassThrough
{
    public static Task<int>? TryRun(IReadOnlyList<string> args, IAnsiConsole output, CancellationToken cancellationToken)
    {
        if (args.Count >= 1 && args[0] == "model")
        {
            return ModelTool.RunAsync([.. args.Skip(1)], new ConsoleTextWriter(output));
        }

        if (args.Count >= 2 && args[0] == "simulate" && args.Contains("--mixing"))
        {
            return MixingSimulationCommand.RunAsync([.. args.Skip(1)], new ConsoleTextWriter(output), cancellationToken);
        }

        if (args.Count >= 2 && args[0] == "simulate" && args.Contains("--inference"))
        {
            // Accept FILE,FILE as well as FILE FILE after --inference.
            var expanded = new List<string>();
            for (var i = 1; i < args.Count; i++)
            {
                var isFileList = i > 1 && args[i - 1] == "--inference";
                expanded.AddRange(isFileList ? args[i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [args[i]]);
            }

            return InferenceSimulationCommand.RunAsync(expanded, new ConsoleTextWriter(output), cancellationToken);
        }

        return null;
    }

    /// <summary>Writes plain text to a Spectre console (so tests can capture it like every other command's output).</summary>
    private sealed class ConsoleTextWriter(IAnsiConsole console) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override void Write(char value) => console.Profile.Out.Writer.Write(value);

        public override void Write(string? value) => console.Profile.Out.Writer.Write(value);

        public override void WriteLine(string? value) => console.Profile.Out.Writer.WriteLine(value);

        public override Task WriteLineAsync(string? value)
        {
            console.Profile.Out.Writer.WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(string? value)
        {
            console.Profile.Out.Writer.Write(value);
            return Task.CompletedTask;
        }
    }
}
