namespace WPAI.Kubernetes;

/// <summary>The phase of a job's pod, as far as WPAI cares.</summary>
public enum PodRunState
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,

    /// <summary>The pod no longer exists (deleted, or missing from a re-list).</summary>
    Gone = 4,
}
