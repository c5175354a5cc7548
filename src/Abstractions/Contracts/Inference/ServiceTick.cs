namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// One report-and-evaluate step of a service (<c>IInferenceServiceGrain.ReportAndEvaluateAsync</c>): the replicas
/// placed and the replicas ready at the report's time before the decision, and the decision taken at that time.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.service-tick")]
public sealed record ServiceTick(int Placed, int Ready, ScalingDecisionView Decision);
