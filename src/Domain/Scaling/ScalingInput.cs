using System.Collections.Immutable;

namespace WPAI.Domain.Scaling;

/// <summary>What one evaluation of the scaling policy sees. Time comes in as <paramref name="Now"/>.</summary>
public sealed record ScalingInput(
    DateTimeOffset Now,
    int CurrentReplicas,
    int MinReplicas,
    int MaxReplicas,
    ImmutableArray<MetricSignal> Signals,
    ImmutableList<Recommendation> Recent);
