using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Job;

public sealed class JobLogsSettings : JobIdSettings
{
    [CommandOption("-f|--follow")]
    [Description("Keep printing new lines until the run ends")]
    public bool Follow { get; set; }

    [CommandOption("--attempt <N>")]
    [Description("Which attempt's log (default: the newest run)")]
    public string? Attempt { get; set; }

    /// <summary>The parsed --attempt (null: the newest run).</summary>
    public int? AttemptNumber => Attempt is null ? null : Quantities.ParseCount(Attempt, "--attempt", 1, "2");

    protected override void ValidateOptions() => _ = AttemptNumber;
}
