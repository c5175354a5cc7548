using System.Collections.Frozen;
using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>Pure reading of a pod: is it one of this WPAI's job pods, and in which state (phases → job events).</summary>
public static class PodTranslation
{
    /// <summary>Waiting reasons whose cause is the job's (its image, its Secret or ConfigMap): another node would not help.</summary>
    private static readonly FrozenSet<string> JobSideWaiting = FrozenSet.Create(
        StringComparer.Ordinal,
        "ErrImagePull", "ImagePullBackOff", "RegistryUnavailable", "InvalidImageName", "ErrImageNeverPull",
        "CreateContainerConfigError", "CreateContainerError");

    /// <summary>Waiting reasons Kubernetes never gets past without a new pod.</summary>
    private static readonly FrozenSet<string> PermanentWaiting = FrozenSet.Create(StringComparer.Ordinal, "InvalidImageName", "ErrImageNeverPull");

    /// <summary>Pod reasons of a Failed pod that the kubelet refused (admission) or evicted: the node's doing, not the job's.</summary>
    private static readonly FrozenSet<string> NodeReasons = FrozenSet.Create(
        StringComparer.Ordinal,
        "UnexpectedAdmissionError", "NodeAffinity", "NodeSelectorMismatching", "Evicted", "Terminated", "Shutdown", "Preempting");

    /// <summary>The pod as a job pod of <paramref name="owner"/>, or null when it is not one (another owner, no job annotation).</summary>
    public static ObservedPod? Observe(V1Pod pod, string owner)
    {
        var meta = pod.Metadata;
        if (meta?.Annotations is not { } annotations
            || !annotations.TryGetValue(KubernetesNames.OwnerAnnotation, out var podOwner) || !string.Equals(podOwner, owner, StringComparison.Ordinal)
            || !annotations.TryGetValue(KubernetesNames.JobIdAnnotation, out var jobId)
            || meta.Labels is null || !meta.Labels.TryGetValue(KubernetesNames.AttemptLabel, out var attemptText)
            || !int.TryParse(attemptText, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return null;
        }

        var (state, detail, problem, refused) = State(pod);
        return new ObservedPod(meta.Name, jobId, attempt, pod.Spec?.NodeName, state, detail, meta.DeletionTimestamp is not null, pod.Spec?.TerminationGracePeriodSeconds, problem, refused, Disruption(pod));
    }

    /// <summary>"EvictionByEvictionAPI: Eviction API: evicting" when Kubernetes set the pod's DisruptionTarget condition, else null.</summary>
    public static string? Disruption(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionTarget" && c.Status == "True") is { } c
            ? (string.IsNullOrEmpty(c.Message) ? c.Reason ?? "DisruptionTarget" : $"{c.Reason}: {c.Message}")
            : null;

    private static (PodRunState State, string Detail, PodStartProblem? Problem, bool NodeRefused) State(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        var status = pod.Status;
        switch (status?.Phase)
        {
            case "Running":
                return (PodRunState.Running, $"pod {name} is running on {pod.Spec?.NodeName}", null, false);
            case "Succeeded":
                return (PodRunState.Succeeded, $"pod {name} succeeded (exit code 0)", null, false);
            case "Failed":
                var refused = NodeRefused(status.Reason);
                return (PodRunState.Failed, refused ? RefusalDetail(pod) : FailureDetail(pod), null, refused);
            default:
                var problem = StartProblem(pod);
                return (PodRunState.Pending, problem is null ? $"pod {name} is pending" : $"pod {name} is pending: {problem}", problem, false);
        }
    }

    /// <summary>Why a pending pod is not starting, or null when nothing is known to be wrong (it is just not running yet).</summary>
    public static PodStartProblem? StartProblem(V1Pod pod)
    {
        var waiting = pod.Status?.ContainerStatuses?.Select(c => c.State?.Waiting).FirstOrDefault(w => w?.Reason is { Length: > 0 } r && JobSideWaiting.Contains(r));
        if (waiting is not null)
        {
            return new PodStartProblem(waiting.Reason, waiting.Message ?? string.Empty, JobSide: true, PermanentWaiting.Contains(waiting.Reason));
        }

        var unschedulable = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable");
        return unschedulable is null ? null : new PodStartProblem("Unschedulable", unschedulable.Message ?? string.Empty, JobSide: false, Permanent: false);
    }

    private static bool NodeRefused(string? reason) =>
        reason is { Length: > 0 } r && (r.StartsWith("OutOf", StringComparison.Ordinal) || NodeReasons.Contains(r));

    private static string RefusalDetail(V1Pod pod) =>
        $"pod {pod.Metadata.Name} was refused by node {pod.Spec?.NodeName}: {pod.Status.Reason} {pod.Status.Message}".TrimEnd();

    /// <summary>"pod P: container job exited with code 137 (OOMKilled)", or the pod's own reason.</summary>
    public static string FailureDetail(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        var terminated = pod.Status?.ContainerStatuses?
            .Select(c => (c.Name, State: c.State?.Terminated ?? c.LastState?.Terminated))
            .Where(c => c.State is not null)
            .OrderBy(c => c.State!.ExitCode == 0 ? 1 : 0)
            .FirstOrDefault();
        if (terminated is { State: { } t } container)
        {
            var reason = string.IsNullOrEmpty(t.Reason) ? string.Empty : $" ({t.Reason})";
            var message = string.IsNullOrEmpty(t.Message) ? string.Empty : $": {t.Message}";
            return $"pod {name}: container {container.Name} exited with code {t.ExitCode.ToString(CultureInfo.InvariantCulture)}{reason}{message}";
        }

        var podReason = pod.Status?.Reason;
        return string.IsNullOrEmpty(podReason) ? $"pod {name} failed" : $"pod {name}: {podReason} {pod.Status?.Message}".TrimEnd();
    }
}
