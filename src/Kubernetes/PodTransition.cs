namespace WPAI.Kubernetes;

/// <summary>A change of a job pod's state the driver acted on (reported to the job, or logged for Running).</summary>
public sealed record PodTransition(string Pod, string JobId, int Attempt, PodRunState State, string Detail);
