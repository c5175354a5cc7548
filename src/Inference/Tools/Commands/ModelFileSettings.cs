using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Inference.Models;

namespace WPAI.Inference.Tools.Commands;

/// <summary>The model file every <c>model</c> verb reads; <see cref="Check"/> is where a verb checks its own options.</summary>
public class ModelFileSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>"), Description("The ONNX model file.")]
    public string File { get; init; } = string.Empty;

    public sealed override ValidationResult Validate()
    {
        try
        {
            Check();
            return ValidationResult.Success();
        }
        catch (Exception ex) when (ex is ModelToolException or ModelConfigException)
        {
            return ValidationResult.Error(ex.Message);
        }
    }

    /// <summary>Checks the verb's options; throws <see cref="ModelToolException"/> saying what to pass.</summary>
    protected virtual void Check()
    {
    }
}
