namespace WPAI.Abstractions.Contracts;

public enum JobStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,

    /// <summary>Evicted from its node; it is re-queued (and back to Pending) at once, keeping its wait time.</summary>
    Preempted = 5,
}
