using System.ComponentModel;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console.Cli;
using WPAI.Inference.Models;

namespace WPAI.Inference.Tools.Commands;

public sealed class ModelOptimizeSettings : ModelWriteSettings
{
    [CommandOption("--level <LEVEL>"), Description("ONNX Runtime graph optimization level: basic, extended or all (all writes CPU-specific layouts).")]
    public string? Level { get; init; }

    /// <summary>The parsed <see cref="Level"/>.</summary>
    public GraphOptimizationLevel OptimizationLevel => Level is null
        ? throw new ModelToolException("--level is required: pass basic, extended or all")
        : ModelConfigReader.ParseLevel("--level", Level);

    protected override void Check() => _ = OptimizationLevel;
}
