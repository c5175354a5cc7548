namespace WPAI.Domain.Scaling;

/// <summary>
/// What the KPA keeps between decisions: when it last was over the panic threshold (null: not panicking), the highest
/// count of the current panic, and the scale-down delay window.
/// </summary>
public sealed record KpaState(DateTimeOffset? PanicTime, int MaxPanicPods, ImmutableList<Recommendation> DelayWindow)
{
    /// <summary>
    /// A new decider, as Knative's <c>newAutoscaler</c>: above one ready pod it starts in panic mode at that count, so a
    /// restart never scales down before it has enough data.
    /// </summary>
    public static KpaState Start(int readyPods, DateTimeOffset now) => new(readyPods > 1 ? now : null, Math.Max(0, readyPods), []);
}
