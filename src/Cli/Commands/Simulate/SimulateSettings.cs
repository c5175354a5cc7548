using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Domain.Text;
using WPAI.Simulation;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>The options of <c>wpai simulate</c> (training): a trace or a synthetic workload, policies, loads, output.</summary>
public sealed class SimulateSettings : OptionsSettings<SimulationOptions>
{
    [CommandOption("--nodes <FILE>"), Description("Node list (openb_node_list_gpu_node.csv): pools = GPU models.")]
    public string? Nodes { get; init; }

    [CommandOption("--pods <FILE>"), Description("Pod list (openb_pod_list_*.csv).")]
    public string? Pods { get; init; }

    [CommandOption("--synthetic"), Description("Generate a Philly-shaped workload instead of reading a trace (offered load 0.9 unless given).")]
    public bool Synthetic { get; init; }

    [CommandOption("--jobs <N>"), Description("Synthetic jobs (default 2000).")]
    public string? Jobs { get; init; }

    [CommandOption("--node-count <N>"), Description("Synthetic nodes (default 40).")]
    public string? NodeCount { get; init; }

    [CommandOption("--days <N>"), Description("Synthetic arrival window in days (default 7).")]
    public string? Days { get; init; }

    [CommandOption("--policies <LIST>"), Description("wpai, static-quota, kueue, yarn-capacity, fifo, wpai-no-borrow, wpai-no-fallback, wpai-no-rightsize, wpai-capped-aging, wpai-no-reservation, wpai-no-backfill, wpai-kept-reservation, wpai-no-penalty, wpai-preempt-first, wpai-victims-fewest, wpai-weigh-wait, wpai-weigh-queue, wpai-weigh-jobs, wpai-leave-room, kueue-preempt-first (default wpai,static-quota,fifo).")]
    public string? Policies { get; init; }

    [CommandOption("--offered-load <R>"), Description("GPU demand / (fleet GPUs × arrival window); compresses arrivals.")]
    public string? OfferedLoad { get; init; }

    [CommandOption("--sweep-load <LIST>"), Description("Several offered loads, e.g. 0.5,0.7,0.9,1.1,1.3.")]
    public string? SweepLoad { get; init; }

    [CommandOption("--fleet-scale <F>"), Description("Keep this fraction of each pool's nodes, from 0 (exclusive) to 1 (default 1).")]
    public string? FleetScale { get; init; }

    [CommandOption("--quota-mode <MODE>"), Description("equal (default) or proportional.")]
    public string? QuotaMode { get; init; }

    [CommandOption("--max-duration <DURATION>"), Description("Leave out longer jobs (services), e.g. 7d (default) or 36h.")]
    public string? MaxDuration { get; init; }

    [CommandOption("--seed <N>"), Description("Seed of every random draw (default 1).")]
    public string? Seed { get; init; }

    [CommandOption("--out <DIR>"), Description("Report folder (default simulation-report).")]
    public string? Out { get; init; }

    [CommandOption("--sustainable"), Description("Also find each policy's largest sustained offered load (a coarse climb from the lowest grid load, then bisection; one replay per probe).")]
    public bool Sustainable { get; init; }

    [CommandOption("--max-p95-wait <DURATION>"), Description("Sustained: p95 wait at most this (default 1h).")]
    public string? MaxP95Wait { get; init; }

    [CommandOption("--max-backlog <SHARE>"), Description("Sustained: backlog at the end of the arrival window at most this share of the offered GPU-hours (default 0.01).")]
    public string? MaxBacklog { get; init; }

    [CommandOption("--load-range <LOW,HIGH>"), Description("Grid of the sustainable-load search (default 0.1,2).")]
    public string? LoadRange { get; init; }

    [CommandOption("--load-step <STEP>"), Description("Step of that grid (default 0.05).")]
    public string? LoadStep { get; init; }

    [CommandOption("--recurring-share <SHARE>"), Description("Share of jobs that repeat a recurring template, so right-sizing can act (default 0.65, Weng et al. NSDI'22; 0 = none).")]
    public string? RecurringShare { get; init; }

    [CommandOption("--template-runs <MIN,MEAN>"), Description("Runs per template: MIN + a geometric count, mean MEAN (default 5,10).")]
    public string? TemplateRuns { get; init; }

    [CommandOption("--run-jitter <FRACTION>"), Description("Run-to-run variation of a template's GPU and CPU usage, uniform ± this (default 0.1).")]
    public string? RunJitter { get; init; }

    [CommandOption("--declared-overestimate <F>"), Description("Jobs declare their run time as the true duration × a seeded factor uniform between 1 and F (default 3; 1 = exact); backfilling past a reservation trusts it.")]
    public string? DeclaredOverestimate { get; init; }

    public override SimulationOptions ToOptions()
    {
        if (OfferedLoad is not null && SweepLoad is not null)
        {
            throw new WpaiValidationException("--sweep-load", "conflicts with --offered-load", "Use either --offered-load R or --sweep-load R1,R2,….");
        }

        var defaults = new SimulationOptions();
        var options = new SimulationOptions
        {
            Nodes = Nodes,
            Pods = Pods,
            Synthetic = Synthetic,
            Jobs = Jobs is null ? defaults.Jobs : Quantities.ParseCount(Jobs, "--jobs", 1, "2000"),
            NodeCount = NodeCount is null ? defaults.NodeCount : Quantities.ParseCount(NodeCount, "--node-count", 1, "40"),
            Days = Days is null ? defaults.Days : Positive(Quantities.ParseNumber(Days, "--days", "7"), "--days", "7"),
            Policies = Policies is null ? defaults.Policies : PolicyPresets.Parse(Policies),
            Loads = OfferedLoad is not null ? [Quantities.ParseNumber(OfferedLoad, "--offered-load", "0.9")]
                : SweepLoad is not null ? Quantities.ParseNumbers(SweepLoad, "--sweep-load", "0.5,0.7,0.9,1.1,1.3")
                : [],
            FleetScale = FleetScale is null ? defaults.FleetScale : Quantities.ParseNumber(FleetScale, "--fleet-scale", "0.02"),
            QuotaMode = QuotaMode is null ? defaults.QuotaMode : ParseQuotaMode(QuotaMode),
            MaxDuration = MaxDuration is null ? defaults.MaxDuration : DurationText.Parse(MaxDuration, "--max-duration"),
            Seed = Seed is null ? defaults.Seed : Quantities.ParseCount(Seed, "--seed", int.MinValue, "1"),
            Out = string.IsNullOrWhiteSpace(Out) ? defaults.Out : Out,
            Sustainable = Sustainable,
            Criteria = Criteria(defaults.Criteria),
            Recurrence = Recurrence(defaults.Recurrence),
            DeclaredOverestimate = DeclaredOverestimate is null ? defaults.DeclaredOverestimate : Quantities.ParseNumber(DeclaredOverestimate, "--declared-overestimate", "3"),
        };
        options.Validate();
        return options;
    }

    private Simulation.Capacity.SustainableCriteria Criteria(Simulation.Capacity.SustainableCriteria defaults)
    {
        System.Collections.Immutable.ImmutableArray<double> range = LoadRange is null ? [defaults.Low, defaults.High] : Quantities.ParseNumbers(LoadRange, "--load-range", "0.1,2");
        if (range.Length != 2)
        {
            throw new WpaiValidationException("--load-range", $"'{LoadRange}' is not two loads", "Write the lowest and highest load, e.g. --load-range 0.1,2.");
        }

        return new Simulation.Capacity.SustainableCriteria
        {
            MaxP95Wait = MaxP95Wait is null ? defaults.MaxP95Wait : DurationText.Parse(MaxP95Wait, "--max-p95-wait"),
            MaxBacklogShare = MaxBacklog is null ? defaults.MaxBacklogShare : Quantities.ParseNumber(MaxBacklog, "--max-backlog", "0.01"),
            Low = range[0],
            High = range[1],
            Step = LoadStep is null ? defaults.Step : Quantities.ParseNumber(LoadStep, "--load-step", "0.05"),
        };
    }

    private Recurrence Recurrence(Recurrence defaults)
    {
        System.Collections.Immutable.ImmutableArray<double> runs = TemplateRuns is null ? [defaults.MinRuns, defaults.MeanRuns] : Quantities.ParseNumbers(TemplateRuns, "--template-runs", "5,10");
        if (runs.Length != 2 || runs[0] != Math.Floor(runs[0]) || Math.Abs(runs[0]) > int.MaxValue)
        {
            throw new WpaiValidationException("--template-runs", $"'{TemplateRuns}' is not MIN,MEAN with a whole MIN", "Write the fewest and the mean runs per template, e.g. --template-runs 5,10.");
        }

        return new Recurrence(
            RecurringShare is null ? defaults.Share : Quantities.ParseNumber(RecurringShare, "--recurring-share", "0.65"),
            (int)runs[0],
            runs[1],
            RunJitter is null ? defaults.Jitter : Quantities.ParseNumber(RunJitter, "--run-jitter", "0.1"));
    }

    private static double Positive(double value, string option, string example) =>
        value > 0 ? value : throw new WpaiValidationException(option, $"{value} is not positive", $"Write e.g. {option} {example}");

    private static QuotaMode ParseQuotaMode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "equal" => Simulation.Workload.QuotaMode.Equal,
        "proportional" => Simulation.Workload.QuotaMode.Proportional,
        _ => throw new WpaiValidationException("--quota-mode", $"'{text}' is not a quota mode", "Use equal or proportional."),
    };
}
