using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Node;

/// <summary>A node name and why the admin changes it.</summary>
public class NodeReasonSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Node name")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--reason <TEXT>")]
    [Description("Why (recorded with the node's mode changes). Default: \"by an admin\"")]
    public string? Reason { get; set; }

    public string ReasonText => string.IsNullOrWhiteSpace(Reason) ? "by an admin" : Reason.Trim();
}
