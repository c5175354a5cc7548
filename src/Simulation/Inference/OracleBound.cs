using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// The lower bound no autoscaler can beat on a series' evaluation part: at every tick of the replay exactly the replicas
/// the demand needs at full utilization (⌈demand ÷ capacity⌉ within the replica limits), known in advance and ready at
/// once (perfect foresight, no start-up delay). Counted over the same ticks and with the same demand as
/// <see cref="GrainInferenceReplay"/>, so its replica-hours are the fewest any policy can have at zero SLO-violation
/// minutes, and <c>1 − oracle ÷ baseline</c> is the largest saving against a baseline that is possible at all. It is a
/// bound for the report, not a policy: nothing runs through a grain.
/// </summary>
public static class OracleBound
{
    public const string Name = "oracle-bound";

    public static PolicyRun Run(LoadSeries series, int evalStart, int maxReplicas, InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var end = series.TimeAt(series.Count - 1);
        var tickMinutes = options.Tick.TotalMinutes;
        double violationMinutes = 0, replicaMinutes = 0, evaluatedMinutes = 0;
        int events = 0, peak = 0, previous = -1;
        for (var now = series.TimeAt(evalStart); now <= end; now += options.Tick)
        {
            var demand = GrainInferenceReplay.Demand(series, now, options.WithinStep);
            var replicas = Math.Clamp((int)Math.Ceiling((demand / options.CapacityQps) - 1e-9), options.MinReplicas, maxReplicas);
            if (demand > (replicas * options.CapacityQps) + 1e-9)
            {
                violationMinutes += tickMinutes;
            }

            if (previous >= 0 && replicas != previous)
            {
                events++;
            }

            (previous, peak) = (replicas, Math.Max(peak, replicas));
            replicaMinutes += replicas * tickMinutes;
            evaluatedMinutes += tickMinutes;
        }

        return new PolicyRun(series.Name, Name, violationMinutes, replicaMinutes / 60, events, peak, null, null, 0, 0, evaluatedMinutes);
    }
}
