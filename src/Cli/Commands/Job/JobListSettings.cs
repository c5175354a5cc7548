using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Job;

public sealed class JobListSettings : WpaiSettings
{
    [CommandOption("-d|--dept <DEPARTMENT>")]
    [Description("Only this department's jobs")]
    public string? Department { get; set; }

    [CommandOption("-s|--status <STATUS>")]
    [Description("Only jobs in this status: pending, running, succeeded, failed, cancelled, preempted")]
    public string? Status { get; set; }

    public JobStatus? ToStatus() => string.IsNullOrWhiteSpace(Status) ? null : Quantities.ParseStatus(Status);

    protected override void ValidateOptions() => _ = ToStatus();
}
