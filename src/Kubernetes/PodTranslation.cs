using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>Pure reading of a pod: is it one of this WPAI's job pods, and in which state (phases → job events).</summary>
public static class PodTranslation
{
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

        var (state, detail) = State(pod);
        return new ObservedPod(meta.Name, jobId, attempt, pod.Spec?.NodeName, state, detail, meta.DeletionTimestamp is not null, pod.Spec?.TerminationGracePeriodSeconds);
    }

    private static (PodRunState State, string Detail) State(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        var status = pod.Status;
        switch (status?.Phase)
        {
            case "Running":
                return (PodRunState.Running, $"pod {name} is running on {pod.Spec?.NodeName}");
            case "Succeeded":
                return (PodRunState.Succeeded, $"pod {name} succeeded (exit code 0)");
            case "Failed":
                return (PodRunState.Failed, FailureDetail(pod));
            default:
                var waiting = status?.ContainerStatuses?.Select(c => c.State?.Waiting).FirstOrDefault(w => w is not null);
                return (PodRunState.Pending, waiting is null ? $"pod {name} is pending" : $"pod {name} is pending: {waiting.Reason} {waiting.Message}".TrimEnd());
        }
    }

    /// <summary>"pod P failed: container job exited with code 137 (OOMKilled)", or the pod's own reason (Evicted, OutOf…).</summary>
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
            return $"pod {name} failed: container {container.Name} exited with code {t.ExitCode.ToString(CultureInfo.InvariantCulture)}{reason}{message}";
        }

        var podReason = pod.Status?.Reason;
        return string.IsNullOrEmpty(podReason) ? $"pod {name} failed" : $"pod {name} failed: {podReason} {pod.Status?.Message}".TrimEnd();
    }
}
