using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeSetModeSettings : NodeReasonSettings
{
    [CommandArgument(1, "<MODE>")]
    [Description("online-normal, offline-normal, unnormal, fixed or down")]
    public string Mode { get; set; } = string.Empty;

    public NodeMode ToMode() => Quantities.ParseMode(Mode, "MODE");

    protected override void ValidateOptions() => _ = ToMode();
}
