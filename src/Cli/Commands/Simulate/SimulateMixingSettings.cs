using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Text;
using WPAI.Simulation.Mixing;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>The options of <c>wpai simulate --mixing</c>: the training trace, the load files, the policies and the scenario knobs.</summary>
public sealed class SimulateMixingSettings : OptionsSettings<MixingSimulationOptions>
{
    [CommandOption("--nodes <FILE>"), Description("Node list (openb_node_list_gpu_node.csv; openb_node_list_all_node.csv adds the CPU-only nodes as the cpu pool, whose training jobs are the CPU-only pods).")]
    public string? Nodes { get; init; }

    [CommandOption("--pods <FILE>"), Description("Pod list (openb_pod_list_*.csv): the training jobs.")]
    public string? Pods { get; init; }

    [CommandOption("--inference <FILES>"), Description("Load files driving the inference services, separated by commas (or repeated).")]
    public string[] Inference { get; init; } = [];

    [CommandArgument(0, "[FILES]"), Description("More load files, as after --inference: --inference a.csv b.csv.")]
    public string[] MoreLoadFiles { get; init; } = [];

    [CommandOption("--policies <LIST>"), Description("wpai-mixing, wpai-mixing-lookahead, no-mixing, time-window, wpai-mixing-all (the default five); ablations wpai-mixing-reclaim-ahead, wpai-mixing-avoid-doomed, wpai-mixing-match, wpai-mixing-valley, wpai-mixing-forecast, wpai-mixing-soonest, wpai-mixing-drain, wpai-mixing-kill-for-room, wpai-mixing-place-on-reclaim, wpai-mixing-cross-pool, wpai-mixing-all-five, wpai-mixing-all-no-room, wpai-mixing-all-no-place, wpai-mixing-all-no-cross-pool, wpai-mixing-all-no-valley, wpai-mixing-all-no-forecast, wpai-mixing-all-no-soonest, wpai-mixing-all-no-drain, wpai-mixing-all-no-busiest, wpai-mixing-all-no-fewest, wpai-mixing-all-whole-band (the band read on the whole demand, the earlier default), wpai-mixing-all-above-minimum (no room kept above the minimum replicas), wpai-mixing-all-above-minimum-room (what wpai-mixing-all is), wpai-mixing-all-lend-while-full (lends to maxRate while the lent nodes are full); wpai-mixing-all-checkpoint.")]
    public string? Policies { get; init; }

    [CommandOption("--fleet-scale <F>"), Description("Keep this fraction of each pool's nodes, from 0 (exclusive) to 1 (default 0.02).")]
    public string? FleetScale { get; init; }

    [CommandOption("--training-load <X>"), Description("Training demand as a multiple of the Fixed GPUs, and of the Fixed cores for CPU jobs in the cpu pool (default 1.5: training needs lent machines).")]
    public string? TrainingLoad { get; init; }

    [CommandOption("--offered-load <R>"), Description("Instead of --training-load: offered training load as a fraction of the whole fleet's GPUs (and of the cpu pool's cores for CPU jobs).")]
    public string? OfferedLoad { get; init; }

    [CommandOption("--arrivals <DURATION>"), Description("Keep only the training arrivals of this first stretch of the arrival window, e.g. 3d (default: all).")]
    public string? Arrivals { get; init; }

    [CommandOption("--checkpointable <F>"), Description("Share of training jobs, from 0 to 1, that declare themselves checkpointable; used by the -checkpoint policies (default 0.5).")]
    public string? Checkpointable { get; init; }

    [CommandOption("--checkpoint-interval <DURATION>"), Description("Run time between a checkpointable job's checkpoints (default 30m).")]
    public string? CheckpointInterval { get; init; }

    [CommandOption("--online-share <F>"), Description("Share of each pool's nodes that starts online, in (0, 1) (default 0.7).")]
    public string? OnlineShare { get; init; }

    [CommandOption("--peak-busy <F>"), Description("Fraction of the online GPUs (cores in the cpu pool) the services want at the median day's peak (default 0.9).")]
    public string? PeakBusy { get; init; }

    [CommandOption("--tick <DURATION>"), Description("How often load is reported and the controllers tick, whole minutes from 1m to 60m (default 5m).")]
    public string? Tick { get; init; }

    [CommandOption("--warm-up <DURATION>"), Description("Inference-only time before the first training arrival (default 3d; 0 for none).")]
    public string? WarmUp { get; init; }

    [CommandOption("--drain <DURATION>"), Description("How long the replay runs after the last training arrival (default 1d; 0 for none).")]
    public string? Drain { get; init; }

    [CommandOption("--retrain <DURATION>"), Description("How often a service retrains its forecaster (default 1d).")]
    public string? Retrain { get; init; }

    [CommandOption("--capacity-qps <N>"), Description("QPS one replica (one GPU, or 4 cores in the cpu pool) serves (default 50).")]
    public string? CapacityQps { get; init; }

    [CommandOption("--max-duration <DURATION>"), Description("Leave out longer training jobs (default 7d).")]
    public string? MaxDuration { get; init; }

    [CommandOption("--seed <N>"), Description("Seed of every random draw (default 1).")]
    public string? Seed { get; init; }

    [CommandOption("--out <DIR>"), Description("Report folder (default mixing-report).")]
    public string? Out { get; init; }

    public override MixingSimulationOptions ToOptions()
    {
        var d = new MixingSimulationOptions();
        if (OfferedLoad is not null && TrainingLoad is not null)
        {
            throw new WpaiValidationException("--offered-load", "cannot be combined with --training-load", "Size training either against the Fixed GPUs (--training-load 1.5) or against the whole fleet (--offered-load 0.5), not both.");
        }

        var options = new MixingSimulationOptions
        {
            Nodes = Nodes,
            Pods = Pods,
            LoadFiles = [.. Inference.Concat(MoreLoadFiles).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            Policies = Policies is null ? d.Policies : MixingPolicies.Parse(Policies),
            FleetScale = FleetScale is null ? d.FleetScale : Quantities.ParseNumber(FleetScale, "--fleet-scale", "0.02"),
            TrainingLoad = TrainingLoad is null ? d.TrainingLoad : Quantities.ParseNumber(TrainingLoad, "--training-load", "1.5"),
            OfferedLoad = OfferedLoad is null ? d.OfferedLoad : Quantities.ParseNumber(OfferedLoad, "--offered-load", "0.5"),
            Arrivals = Arrivals is null ? d.Arrivals : DurationText.Parse(Arrivals, "--arrivals"),
            CheckpointableShare = Checkpointable is null ? d.CheckpointableShare : Quantities.ParseNumber(Checkpointable, "--checkpointable", "0.5"),
            CheckpointInterval = CheckpointInterval is null ? d.CheckpointInterval : DurationText.Parse(CheckpointInterval, "--checkpoint-interval"),
            OnlineShare = OnlineShare is null ? d.OnlineShare : Quantities.ParseNumber(OnlineShare, "--online-share", "0.7"),
            PeakBusy = PeakBusy is null ? d.PeakBusy : Quantities.ParseNumber(PeakBusy, "--peak-busy", "0.9"),
            Tick = Tick is null ? d.Tick : DurationText.Parse(Tick, "--tick"),
            WarmUp = WarmUp is null ? d.WarmUp : DurationText.Parse(WarmUp, "--warm-up", allowZero: true),
            Drain = Drain is null ? d.Drain : DurationText.Parse(Drain, "--drain", allowZero: true),
            Retrain = Retrain is null ? d.Retrain : DurationText.Parse(Retrain, "--retrain"),
            CapacityQps = CapacityQps is null ? d.CapacityQps : Quantities.ParseNumber(CapacityQps, "--capacity-qps", "50"),
            MaxDuration = MaxDuration is null ? d.MaxDuration : DurationText.Parse(MaxDuration, "--max-duration"),
            Seed = Seed is null ? d.Seed : Quantities.ParseCount(Seed, "--seed", int.MinValue, "1"),
            Out = string.IsNullOrWhiteSpace(Out) ? d.Out : Out,
        };
        options.Validate();
        return options;
    }
}
