using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Job;

/// <summary>Settings of the commands that take one job id.</summary>
public class JobIdSettings : WpaiSettings
{
    [CommandArgument(0, "<JOB-ID>")]
    [Description("Job id")]
    public string JobId { get; set; } = string.Empty;
}
