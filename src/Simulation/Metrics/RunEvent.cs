namespace WPAI.Simulation.Metrics;

/// <summary>
/// One entry of a run's event log: a job was submitted, started (on a node of a pool, with the GPUs and CPU it was
/// given) or stopped (completed, preempted or cancelled). <see cref="At"/> is virtual time since the simulation's origin.
/// </summary>
public sealed record RunEvent(
    TimeSpan At,
    RunEventKind Kind,
    string JobId,
    string? Node = null,
    string? Pool = null,
    int Gpus = 0,
    int CpuMilli = 0,
    StopReason Reason = StopReason.Completed);
