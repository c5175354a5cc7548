namespace WPAI.Simulation.Inference;

/// <summary>The outcome of one policy on one series' evaluation part.</summary>
public sealed record PolicyRun(
    string Series,
    string Policy,
    double SloViolationMinutes,
    double ReplicaHours,
    int ScaleEvents,
    int PeakReplicas,
    double? ForecastMape,
    double? ForecastMae,
    double LastValueMape,
    double LastValueMae,
    double EvaluatedMinutes);
