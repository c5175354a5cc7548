using System.Collections.Immutable;
using System.Globalization;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// What <c>wpai simulate --mixing</c> replays (the command line is typed in <c>src/Cli/Commands/Simulate</c>): the trace
/// files, the load files, the policies, and the scenario knobs, each with the default the report states.
/// </summary>
public sealed record MixingSimulationOptions
{
    public string? Nodes { get; init; }

    public string? Pods { get; init; }

    public ImmutableArray<string> LoadFiles { get; init; } = [];

    public double FleetScale { get; init; } = 0.02;

    /// <summary>
    /// Training demand as a multiple of the Fixed GPUs (default 1.5): arrivals are compressed so that the offered load, as
    /// a fraction of the whole fleet's GPUs, is this × Fixed GPUs / fleet GPUs. Above 1 training needs lent machines.
    /// </summary>
    public double TrainingLoad { get; init; } = 1.5;

    /// <summary>Offered training load as a fraction of the whole (scaled) fleet's GPUs; when set it replaces <see cref="TrainingLoad"/>.</summary>
    public double? OfferedLoad { get; init; }

    /// <summary>Keep only the training arrivals of this first stretch of the arrival window (default: all of them).</summary>
    public TimeSpan? Arrivals { get; init; }

    /// <summary>Share of the training jobs that declare themselves checkpointable (default 0.5; only the checkpoint policies use it).</summary>
    public double CheckpointableShare { get; init; } = 0.5;

    /// <summary>How often a checkpointable job saves a checkpoint, in run time (default 30 minutes).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(30);

    public ImmutableArray<MixingPolicy> Policies { get; init; } = MixingPolicies.Default;

    /// <summary>The share of each pool's nodes (rounded down) that starts OnlineNormal; the rest is Fixed (default 0.7).</summary>
    public double OnlineShare { get; init; } = 0.7;

    /// <summary>At the median day's peak a pool's services together want this fraction of its online GPUs (default 0.9).</summary>
    public double PeakBusy { get; init; } = 0.9;

    /// <summary>How often the loop reports load, evaluates the services and ticks the controllers (default 5 minutes).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Inference-only time before the first training arrival, so the services' forecasters have history (default 3 days).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromDays(3);

    /// <summary>The replay ends this long after the last training arrival (default 1 day).</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How often a service retrains its forecaster (default 1 day; the grain's own default is 6 h).</summary>
    public TimeSpan Retrain { get; init; } = TimeSpan.FromDays(1);

    /// <summary>QPS one replica (one GPU) serves (default 50); the services scale to 70 % of it.</summary>
    public double CapacityQps { get; init; } = 50;

    public TimeSpan MaxDuration { get; init; } = WorkloadOptions.DefaultMaxDuration;

    public int Seed { get; init; } = 1;

    public string Out { get; init; } = "mixing-report";

    public void Validate()
    {
        if (Nodes is null || Pods is null)
        {
            throw new WpaiValidationException(Nodes is null ? "--nodes" : "--pods", "is required", "Pass --nodes FILE --pods FILE, e.g. ../shared/data/traces/openb_node_list_gpu_node.csv and openb_pod_list_gpuspec33.csv.");
        }

        if (LoadFiles.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("--inference", "is required", "Pass --inference FILE[,FILE...], e.g. ../shared/data/load/nyc_taxi.csv,../shared/data/load/Twitter_volume_AAPL.csv.");
        }

        if (!(FleetScale > 0 && FleetScale <= 1))
        {
            throw new WpaiValidationException("--fleet-scale", $"{Num(FleetScale)} is not in (0, 1]", "Keep a fraction of the fleet, e.g. 0.02.");
        }

        if (OfferedLoad is { } offered && !(offered > 0))
        {
            throw new WpaiValidationException("--offered-load", $"{Num(offered)} is not positive", "Ask for an offered training load above 0, e.g. 0.5, or leave it out and size training with --training-load.");
        }

        if (!(TrainingLoad > 0 && TrainingLoad <= 20))
        {
            throw new WpaiValidationException("--training-load", $"{Num(TrainingLoad)} is not in (0, 20]", "Give the training demand as a multiple of the Fixed GPUs, e.g. 1.5.");
        }

        if (Arrivals is { } arrivals && arrivals <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("--arrivals", $"{arrivals} is not positive", "Keep e.g. the first 3d of training arrivals, or leave the option out for all of them.");
        }

        if (!(CheckpointableShare >= 0 && CheckpointableShare <= 1))
        {
            throw new WpaiValidationException("--checkpointable", $"{Num(CheckpointableShare)} is not in [0, 1]", "Give the share of jobs that checkpoint, e.g. 0.5.");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("--checkpoint-interval", $"{CheckpointInterval} is not positive", "Use e.g. --checkpoint-interval 30m.");
        }

        if (!(OnlineShare > 0 && OnlineShare < 1))
        {
            throw new WpaiValidationException("--online-share", $"{Num(OnlineShare)} is not in (0, 1)", "Start a fraction of each pool online, e.g. 0.7.");
        }

        if (!(PeakBusy > 0 && PeakBusy <= 2))
        {
            throw new WpaiValidationException("--peak-busy", $"{Num(PeakBusy)} is not in (0, 2]", "Say how busy the online half is at the daily peak, e.g. 0.9.");
        }

        if (!(CapacityQps > 0))
        {
            throw new WpaiValidationException("--capacity-qps", $"{Num(CapacityQps)} is not positive", "Give the QPS one replica serves, e.g. 50.");
        }

        if (Tick < TimeSpan.FromMinutes(1) || Tick > TimeSpan.FromHours(1) || Tick.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new WpaiValidationException("--tick", $"{Tick} is not a whole number of minutes between 1 and 60", "Use e.g. --tick 5m.");
        }

        if (WarmUp < TimeSpan.Zero || Drain < TimeSpan.Zero || Retrain <= TimeSpan.Zero || MaxDuration <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("--warm-up", "durations must not be negative (--retrain and --max-duration positive)", "Use e.g. --warm-up 3d --drain 1d --retrain 1d.");
        }

        if (Policies.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("--policies", "is empty", $"Name at least one of {string.Join(", ", MixingPolicies.All.Select(p => p.Name))}.");
        }
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
