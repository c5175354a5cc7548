namespace WPAI.Kubernetes;

/// <summary>
/// Why a pending job pod is not starting: the waiting container's reason (<c>ImagePullBackOff</c>,
/// <c>CreateContainerConfigError</c>, …) or the pod's <c>Unschedulable</c> condition, with the message.
/// <paramref name="JobSide"/>: the cause travels with the job (its image, its Secret or ConfigMap), so another node would
/// not help. <paramref name="Permanent"/>: Kubernetes will never get past it (an invalid image name), so waiting is pointless.
/// </summary>
public sealed record PodStartProblem(string Reason, string Message, bool JobSide, bool Permanent)
{
    public override string ToString() => string.IsNullOrEmpty(Message) ? Reason : $"{Reason}: {Message}";
}
