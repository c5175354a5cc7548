using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptShowSettings : WpaiSettings
{
    [CommandArgument(0, "<DEPARTMENT>")]
    [Description("Department name")]
    public string Department { get; set; } = string.Empty;
}
