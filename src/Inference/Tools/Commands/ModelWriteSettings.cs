using System.ComponentModel;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary>The options of a verb that writes a new model file.</summary>
public class ModelWriteSettings : ModelFileSettings
{
    [CommandOption("-o|--output <FILE>"), Description("Where to write the result (default: FILE with .opt, .dynamic, .fp16 or .int8 before .onnx).")]
    public string? Output { get; init; }

    /// <summary><see cref="Output"/>, or <see cref="ModelFileSettings.File"/> with <paramref name="suffix"/> before <c>.onnx</c>.</summary>
    public string Target(string suffix) =>
        Output ?? Path.Combine(Path.GetDirectoryName(File) ?? string.Empty, Path.GetFileNameWithoutExtension(File) + "." + suffix + ".onnx");
}
