using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Pool;

public sealed class PoolShowSettings : WpaiSettings
{
    [CommandArgument(0, "<POOL>")]
    [Description("Pool name (the GPU model, e.g. T4)")]
    public string Pool { get; set; } = string.Empty;
}
