namespace WPAI.Kubernetes;

/// <summary>
/// One of WPAI's job pods as the driver reads it: which job and attempt, on which node, its state with a human-readable
/// <paramref name="Detail"/> (exit code and reason of a failure), whether it is being deleted, its grace period; for a
/// pending pod, why it cannot start (<paramref name="StartProblem"/>); for a failed one, whether the node refused or
/// evicted it (<paramref name="NodeRefused"/>: the kubelet's admission or eviction, not the job's own failure); and when
/// Kubernetes marked it for disruption (its <c>DisruptionTarget</c> condition: an eviction by <c>kubectl drain</c>, by the
/// taint manager for a NotReady node, by the scheduler's preemption, by the kubelet), why (<paramref name="Disruption"/>).
/// </summary>
public sealed record ObservedPod(
    string Name,
    string JobId,
    int Attempt,
    string? Node,
    PodRunState State,
    string Detail,
    bool Terminating,
    long? GraceSeconds,
    PodStartProblem? StartProblem = null,
    bool NodeRefused = false,
    string? Disruption = null);
