namespace WPAI.Agent.Runs;

/// <summary>
/// The part of the model server's load snapshot file (<c>--load-report-file</c>, WPAI.Inference's <c>LoadSnapshot</c>
/// as web JSON) that the agent passes on. Declared here so the agent does not load the model server's assembly.
/// </summary>
public sealed record ModelServerLoad(
    DateTimeOffset At,
    double QueriesPerSecond,
    double P50LatencyMs,
    double P99LatencyMs,
    double MeanQueueMs,
    double ErrorRate,
    double? GpuUtilization);
