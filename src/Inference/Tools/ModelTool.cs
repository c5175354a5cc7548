using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Inference.Models;
using WPAI.Inference.Tools.Commands;

namespace WPAI.Inference.Tools;

/// <summary>
/// The model tools as the model server's own command line (<c>WPAI.Inference model VERB FILE [OPTIONS]</c>) and as a
/// library call: the same typed commands as <c>wpai model</c> (<see cref="ModelBranch"/>), with plain text on
/// <paramref name="output"/>. Exit codes: 0 done, 2 bad input (a usage error, a bad option, a missing or malformed model
/// or calibration file; one line <c>error: …</c> saying what to change), 1 anything unexpected.
/// </summary>
public static class ModelTool
{
    /// <summary>Runs <c>model</c> with <paramref name="args"/> (the verb first, e.g. <c>["int8", "m.onnx", "--calibration", "dir"]</c>).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("WPAI.Inference");
            config.ConfigureConsole(console);
            config.UseStrictParsing();
            config.SetExceptionHandler((exception, _) =>
            {
                output.WriteLine("error: " + exception.Message);
                return ExitCode(exception);
            });
            ModelBranch.Register(config);
        });
        return app.RunAsync([ModelBranch.Name, .. args]);
    }

    /// <summary>2 for bad input (the tools' own errors and usage errors), 1 for anything else.</summary>
    public static int ExitCode(Exception exception) =>
        exception is ModelToolException or ModelConfigException or CommandAppException ? 2 : 1;
}
