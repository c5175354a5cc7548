namespace WPAI.Kubernetes;

/// <summary>
/// What WPAI reads from one Kubernetes node: its hardware (null with a <paramref name="Problem"/> when it cannot be a
/// WPAI node), whether it can take pods (<paramref name="Unavailable"/> says why not: cordoned, NotReady), and the mode
/// WPAI last mirrored onto it (its <c>wpai.io/mode</c> label).
/// </summary>
public sealed record ObservedNode(string Name, NodeSpec? Spec, string? Unavailable, NodeMode? MirroredMode, string? Problem)
{
    public bool Available => Unavailable is null;
}
