namespace WPAI.Kubernetes;

/// <summary>
/// One of WPAI's job pods as the driver reads it: which job and attempt, on which node, its state with a human-readable
/// <paramref name="Detail"/> (exit code and reason of a failure), whether it is being deleted, its grace period.
/// </summary>
public sealed record ObservedPod(string Name, string JobId, int Attempt, string? Node, PodRunState State, string Detail, bool Terminating, long? GraceSeconds);
