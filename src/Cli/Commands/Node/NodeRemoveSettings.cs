using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeRemoveSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Node name")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--drain")]
    [Description("Cordon the node, wait for its runs to end (up to --timeout), then preempt what still runs, and remove it")]
    public bool Drain { get; set; }

    [CommandOption("--timeout <DURATION>")]
    [Description("How long --drain waits before preempting. Default 10m")]
    public string? Timeout { get; set; }

    public TimeSpan ToTimeout() => string.IsNullOrWhiteSpace(Timeout) ? TimeSpan.FromMinutes(10) : WPAI.Domain.Text.DurationText.Parse(Timeout, "--timeout");

    protected override void ValidateOptions() => _ = ToTimeout();
}
