namespace WPAI.Domain.Scaling;

/// <summary>
/// What the HPA controller remembers between syncs: its recommendations, recent scale events, and whether the
/// scale-down window was seeded (Kubernetes seeds it with the current count on the first sync, so a new HPA does not
/// scale down before its window has passed).
/// </summary>
public sealed record HpaState(
    ImmutableList<Recommendation> Recommendations,
    ImmutableList<ScaleEvent> ScaleUpEvents,
    ImmutableList<ScaleEvent> ScaleDownEvents,
    bool Seeded = false)
{
    public static HpaState Empty { get; } = new([], [], []);
}
