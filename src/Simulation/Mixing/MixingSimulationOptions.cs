using System.Collections.Immutable;
using System.Globalization;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// The arguments of <c>wpai simulate --mixing --nodes FILE --pods FILE --inference FILE[,FILE...] [--fleet-scale F]
/// [--offered-load R] [--policies wpai-mixing,wpai-mixing-lookahead,no-mixing,time-window] [--out DIR]</c> and the
/// scenario knobs (each with the default the report states): <c>--online-share</c>, <c>--peak-busy</c>, <c>--tick</c>,
/// <c>--warm-up</c>, <c>--drain</c>, <c>--retrain</c>, <c>--capacity-qps</c>, <c>--max-duration</c>, <c>--seed</c>.
/// </summary>
public sealed record MixingSimulationArguments
{
    public const string Usage =
        "usage: wpai simulate --mixing --nodes FILE --pods FILE --inference FILE[,FILE...] [--fleet-scale 0.02] [--offered-load 0.5] " +
        "[--policies wpai-mixing,wpai-mixing-lookahead,no-mixing,time-window] [--online-share 0.5] [--peak-busy 0.9] [--tick 5m] " +
        "[--warm-up 3d] [--drain 1d] [--retrain 1d] [--capacity-qps 50] [--max-duration 7d] [--seed 1] [--out DIR]";

    public string? Nodes { get; init; }

    public string? Pods { get; init; }

    public ImmutableArray<string> LoadFiles { get; init; } = [];

    public double FleetScale { get; init; } = 0.02;

    /// <summary>Offered training load as a fraction of the whole (scaled) fleet's GPUs (default 0.5).</summary>
    public double OfferedLoad { get; init; } = 0.5;

    public ImmutableArray<MixingPolicy> Policies { get; init; } = MixingPolicies.Default;

    /// <summary>The share of each pool's nodes (rounded down) that starts OnlineNormal; the rest is Fixed (default 0.5).</summary>
    public double OnlineShare { get; init; } = 0.5;

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

        if (!(OfferedLoad > 0))
        {
            throw new WpaiValidationException("--offered-load", $"{Num(OfferedLoad)} is not positive", "Ask for an offered training load above 0, e.g. 0.5.");
        }

        if (!(OnlineShare > 0 && OnlineShare < 1))
        {
            throw new WpaiValidationException("--online-share", $"{Num(OnlineShare)} is not in (0, 1)", "Start a fraction of each pool online, e.g. 0.5.");
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

    /// <summary>Parses the arguments after <c>simulate</c> (<c>--mixing</c> itself is accepted and ignored).</summary>
    public static MixingSimulationArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new MixingSimulationArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new WpaiValidationException(name, "needs a value", $"Write {name} VALUE.");
            result = name switch
            {
                "--mixing" => result,
                "--nodes" => result with { Nodes = Value() },
                "--pods" => result with { Pods = Value() },
                "--inference" => result with { LoadFiles = [.. result.LoadFiles, .. Files(args, ref i, name)] },
                "--fleet-scale" => result with { FleetScale = Double(name, Value()) },
                "--offered-load" => result with { OfferedLoad = Double(name, Value()) },
                "--policies" => result with { Policies = MixingPolicies.Parse(Value()) },
                "--online-share" => result with { OnlineShare = Double(name, Value()) },
                "--peak-busy" => result with { PeakBusy = Double(name, Value()) },
                "--capacity-qps" => result with { CapacityQps = Double(name, Value()) },
                "--tick" => result with { Tick = SimulationArguments.ParseDuration(name, Value()) },
                "--warm-up" => result with { WarmUp = ZeroOrDuration(name, Value()) },
                "--drain" => result with { Drain = ZeroOrDuration(name, Value()) },
                "--retrain" => result with { Retrain = SimulationArguments.ParseDuration(name, Value()) },
                "--max-duration" => result with { MaxDuration = SimulationArguments.ParseDuration(name, Value()) },
                "--seed" => result with { Seed = Int(name, Value()) },
                "--out" => result with { Out = Value() },
                _ => throw new WpaiValidationException(name, "is not an option of simulate --mixing", Usage),
            };
        }

        result.Validate();
        return result;
    }

    /// <summary>The load files after <c>--inference</c>: one value split at commas, or several values up to the next option.</summary>
    private static List<string> Files(IReadOnlyList<string> args, ref int i, string name)
    {
        var files = new List<string>();
        while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            files.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return files.Count > 0 ? files : throw new WpaiValidationException(name, "needs at least one load file", "Write --inference FILE[,FILE...].");
    }

    private static TimeSpan ZeroOrDuration(string name, string text) =>
        text.Trim() == "0" ? TimeSpan.Zero : SimulationArguments.ParseDuration(name, text);

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static int Int(string field, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new WpaiValidationException(field, $"'{text}' is not an integer", $"Write {field} as a whole number.");

    private static double Double(string field, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new WpaiValidationException(field, $"'{text}' is not a number", $"Write {field} as a number such as 0.5.");
}
