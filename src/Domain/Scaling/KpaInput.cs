namespace WPAI.Domain.Scaling;

/// <summary>
/// One KPA decision: the ready pods, the observed metric (total over the revision, e.g. requests per second) averaged
/// over the stable window (<paramref name="StableValue"/>) and over the panic window (<paramref name="PanicValue"/>), and
/// the target per pod.
/// </summary>
public sealed record KpaInput(DateTimeOffset Now, int ReadyPods, double StableValue, double PanicValue, double TargetValue);
