using System.ComponentModel;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

public sealed class ModelBatchSettings : ModelWriteSettings
{
    [CommandOption("--dynamic"), Description("Make the first dimension of every input and output the dynamic dimension \"batch\" (the only change supported).")]
    public bool Dynamic { get; init; }

    protected override void Check()
    {
        if (!Dynamic)
        {
            throw new ModelToolException("batch needs --dynamic (the only supported change: make the first dimension dynamic)");
        }
    }
}
