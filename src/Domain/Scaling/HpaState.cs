using System.Collections.Immutable;

namespace WPAI.Domain.Scaling;

/// <summary>What the HPA controller remembers between syncs: its recommendations and recent scale events.</summary>
public sealed record HpaState(
    ImmutableList<Recommendation> Recommendations,
    ImmutableList<ScaleEvent> ScaleUpEvents,
    ImmutableList<ScaleEvent> ScaleDownEvents)
{
    public static HpaState Empty { get; } = new([], [], []);
}
