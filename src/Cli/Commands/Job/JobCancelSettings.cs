using System.ComponentModel;
using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Job;

public sealed class JobCancelSettings : JobIdSettings
{
    [CommandOption("--reason <TEXT>")]
    [Description("Why, kept in the job's history. Default: cancelled by user")]
    public string? Reason { get; set; }
}
