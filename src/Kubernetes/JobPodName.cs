namespace WPAI.Kubernetes;

/// <summary>
/// The name of the pod that runs one attempt of one job: <c>wpai-{job}-{attempt}</c>, the job id made a DNS label
/// (hashed when it had to change). Deterministic, so a start offered twice for the same attempt names the same pod
/// and the API server's 409 makes the second create a no-op.
/// </summary>
public readonly record struct JobPodName(string Value)
{
    private const int MaxLength = 63;

    public static JobPodName For(string jobId, int attempt)
    {
        if (attempt < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(attempt), attempt, "attempts start at 1");
        }

        var suffix = $"-{attempt}";
        return new JobPodName($"wpai-{KubernetesNames.ToDnsLabel(jobId, MaxLength - 5 - suffix.Length)}{suffix}");
    }

    public override string ToString() => Value;
}
