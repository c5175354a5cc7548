using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Job;

public sealed class JobListSettings : WpaiSettings
{
    public const int DefaultLimit = 100;

    [CommandOption("-d|--dept <DEPARTMENT>")]
    [Description("Only this department's jobs")]
    public string? Department { get; set; }

    [CommandOption("-s|--status <STATUS>")]
    [Description("Only jobs in this status: pending, running, succeeded, failed, cancelled, preempted")]
    public string? Status { get; set; }

    [CommandOption("-n|--limit <N>")]
    [Description("At most this many jobs, newest first (default 100; 0 for every job)")]
    public string? Limit { get; set; }

    [CommandOption("--after <JOB>")]
    [Description("The next page: the jobs after this one (the last id the previous page showed)")]
    public string? After { get; set; }

    public string? ToAfter() => string.IsNullOrWhiteSpace(After) ? null : After.Trim();

    /// <summary>The limit for the client: null for no limit.</summary>
    public int? ToLimit()
    {
        var limit = string.IsNullOrWhiteSpace(Limit) ? DefaultLimit : Quantities.ParseCount(Limit, "--limit", 0, "100");
        return limit == 0 ? null : limit;
    }

    public JobStatus? ToStatus() => string.IsNullOrWhiteSpace(Status) ? null : Quantities.ParseStatus(Status);

    protected override void ValidateOptions()
    {
        _ = ToStatus();
        _ = ToLimit();
    }
}
