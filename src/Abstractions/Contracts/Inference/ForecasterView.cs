namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// The state of a service's forecaster: whether a model is in use, when it was trained, on how many points,
/// its measured error against the last-value baseline, and why it is not used when it is not.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.forecaster-view")]
public sealed record ForecasterView(
    bool Active,
    DateTimeOffset? TrainedAt,
    int TrainingPoints,
    double? Mape,
    double? LastValueMape,
    TimeSpan? TrainingTime,
    string Status);
