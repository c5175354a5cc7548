using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeListSettings : WpaiSettings
{
    [CommandOption("--pool <POOL>")]
    [Description("Only the nodes of this pool")]
    public string? Pool { get; set; }
}
