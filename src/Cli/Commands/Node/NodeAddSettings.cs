using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using Rules = WPAI.Domain.Validation.Validate;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeAddSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Node name, unique in the fleet")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--pool <POOL>")]
    [Description("The node's pool: its GPU model (e.g. T4, P40) or cpu")]
    public string? Pool { get; set; }

    [CommandOption("--gpus <N>")]
    [Description("Number of GPUs (0 for a CPU node)")]
    public string? Gpus { get; set; }

    [CommandOption("--cpu <CORES>")]
    [Description("CPU as cores (32) or millicores (32000m)")]
    public string? Cpu { get; set; }

    [CommandOption("--memory <SIZE>")]
    [Description("Memory, e.g. 256Gi or 512Mi")]
    public string? Memory { get; set; }

    [CommandOption("--mode <MODE>")]
    [Description("fixed (default: a dedicated training node), online-normal, offline-normal, unnormal or down")]
    public string? Mode { get; set; }

    public NodeSpec ToSpec()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WpaiValidationException("NAME", "is empty", "Give the node a name, e.g. ./wpai node add t4-a ...");
        }

        if (string.IsNullOrWhiteSpace(Pool))
        {
            throw new WpaiValidationException("--pool", "is required", "Name the node's GPU model, e.g. --pool T4 (or --pool cpu)");
        }

        var spec = new NodeSpec(
            Name.Trim(),
            Pool.Trim(),
            Quantities.ParseCount(Gpus, "--gpus", 0, "4", Rules.MaxGpus),
            Quantities.ParseCpuMilli(Cpu),
            Quantities.ParseMemoryMib(Memory));
        Rules.Node(spec); // the same rules the cluster applies, checked before connecting
        return spec;
    }

    /// <summary>Whether <c>--mode</c> was given (it only applies when the node is new).</summary>
    public bool ModeGiven => !string.IsNullOrWhiteSpace(Mode);

    public NodeMode ToMode() => string.IsNullOrWhiteSpace(Mode) ? NodeMode.Fixed : Quantities.ParseMode(Mode);

    protected override void ValidateOptions()
    {
        _ = ToSpec();
        _ = ToMode();
    }
}
