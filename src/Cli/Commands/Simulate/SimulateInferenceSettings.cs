using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Domain.Text;
using WPAI.Simulation.Inference;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>The options of <c>wpai simulate --inference FILES</c>: the load files, the policies and the replay's knobs.</summary>
public sealed class SimulateInferenceSettings : OptionsSettings<InferenceSimulationOptions>
{
    [CommandArgument(0, "<FILES>"), Description("Load files (NAB timestamp,value; alibaba GenAI; Azure LLM), separated by spaces or commas.")]
    public string[] Files { get; init; } = [];

    [CommandOption("--policies <LIST>"), Description("Some of wpai, reactive, hpa, kpa, static-peak (default these five) and the wpai ablations wpai-q0.9, wpai-no-tuning, wpai-no-burst, wpai-no-valley, wpai-no-cost-aware, wpai-no-periodicity, wpai-kpa-base, wpai-formula-base, wpai-no-trend.")]
    public string? Policies { get; init; }

    [CommandOption("--train-fraction <F>"), Description("Share of each series the forecaster trains on; the rest is replayed, in (0, 1) (default 0.7).")]
    public string? TrainFraction { get; init; }

    [CommandOption("--peak-qps <N>"), Description("Each series is scaled so that its highest value is this many QPS (default 1000).")]
    public string? PeakQps { get; init; }

    [CommandOption("--capacity-qps <N>"), Description("QPS one ready replica serves (default 50).")]
    public string? CapacityQps { get; init; }

    [CommandOption("--target-utilization <F>"), Description("Target utilization of a replica for every policy, from 0 (exclusive) to 1 (default 0.7).")]
    public string? TargetUtilization { get; init; }

    [CommandOption("--startup-delay <DURATION>"), Description("Time from a replica's creation to serving (default 60s).")]
    public string? StartupDelay { get; init; }

    [CommandOption("--max-replicas <N>"), Description("Replica ceiling (default: twice the replicas the peak needs).")]
    public string? MaxReplicas { get; init; }

    [CommandOption("--quantile <Q>"), Description("wpai-q0.9 and wpai-no-tuning provision for this quantile of their forecast, from 0.5 to 1, or none for the forecast itself (default 0.9); wpai chooses its own on the validation split.")]
    public string? Quantile { get; init; }

    [CommandOption("--validation-fraction <F>"), Description("Share of the training part held out to choose wpai's quantile and forecast utilization, in (0, 1) (default 0.3).")]
    public string? ValidationFraction { get; init; }

    [CommandOption("--slo-budget <F>"), Description("wpai's SLO-violation budget on the validation part as a share of hpa's there (default 0.5).")]
    public string? SloBudget { get; init; }

    [CommandOption("--no-iso-slo"), Description("Skip the iso-SLO runs (hpa and kpa with their target utilization tuned on the validation part to wpai's SLO).")]
    public bool NoIsoSlo { get; init; }

    [CommandOption("--ticks-per-call <N>"), Description("15 s ticks handed to the service grain per call (ReportAndEvaluateAsync; default 240; 1 = one call per tick). Decisions do not depend on it.")]
    public string? TicksPerCall { get; init; }

    [CommandOption("--within-step <SHAPE>"), Description("The demand between two points of a series: linear (the default: it ramps to the next point), hold (each point's value until the next: a change arrives at once) or centre (each point the mean of the step it starts: linear between the steps' middles).")]
    public string? WithinStep { get; init; }

    [CommandOption("--out <DIR>"), Description("Report folder (default inference-sim).")]
    public string? Out { get; init; }

    /// <summary>The load files, commas split.</summary>
    public IReadOnlyList<string> LoadFiles =>
        [.. Files.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    public override InferenceSimulationOptions ToOptions()
    {
        if (LoadFiles.Count == 0)
        {
            throw new WpaiValidationException("FILES", "no load file given", "Name one or more load files, e.g. ../shared/data/load/nyc_taxi.csv.");
        }

        var d = new InferenceSimulationOptions();
        var options = new InferenceSimulationOptions
        {
            Policies = Policies is null ? d.Policies : [.. Policies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            TrainFraction = TrainFraction is null ? d.TrainFraction : Quantities.ParseNumber(TrainFraction, "--train-fraction", "0.7"),
            PeakQps = PeakQps is null ? d.PeakQps : Quantities.ParseNumber(PeakQps, "--peak-qps", "1000"),
            CapacityQps = CapacityQps is null ? d.CapacityQps : Quantities.ParseNumber(CapacityQps, "--capacity-qps", "50"),
            TargetUtilization = TargetUtilization is null ? d.TargetUtilization : Quantities.ParseNumber(TargetUtilization, "--target-utilization", "0.7"),
            StartupDelay = StartupDelay is null ? d.StartupDelay : DurationText.Parse(StartupDelay, "--startup-delay", allowZero: true),
            MaxReplicas = MaxReplicas is null ? d.MaxReplicas : Quantities.ParseCount(MaxReplicas, "--max-replicas", 1, "40"),
            ForecastQuantile = Quantile is null ? d.ForecastQuantile
                : Quantile.Trim() == "none" ? null
                : Quantities.ParseNumber(Quantile, "--quantile", "0.9"),
            ValidationFraction = ValidationFraction is null ? d.ValidationFraction : Quantities.ParseNumber(ValidationFraction, "--validation-fraction", "0.3"),
            SloBudget = SloBudget is null ? d.SloBudget : Quantities.ParseNumber(SloBudget, "--slo-budget", "0.5"),
            IsoSlo = !NoIsoSlo,
            TicksPerCall = TicksPerCall is null ? d.TicksPerCall : Quantities.ParseCount(TicksPerCall, "--ticks-per-call", 1, "240"),
            WithinStep = WithinStep is null ? d.WithinStep : ParseWithinStep(WithinStep),
            OutputDirectory = string.IsNullOrWhiteSpace(Out) ? d.OutputDirectory : Out,
        };
        return options.Validate();
    }

    private static LoadBetweenPoints ParseWithinStep(string text) => text.Trim().ToLowerInvariant() switch
    {
        "linear" => LoadBetweenPoints.Linear,
        "hold" => LoadBetweenPoints.Hold,
        "centre" or "center" => LoadBetweenPoints.Centre,
        _ => throw new WpaiValidationException("--within-step", $"'{text}' is not a shape of the demand between points", "Write --within-step linear (the default), hold or centre."),
    };
}
