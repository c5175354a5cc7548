using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeShowSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Node name")]
    public string Name { get; set; } = string.Empty;
}
