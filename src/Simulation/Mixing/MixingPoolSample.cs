namespace WPAI.Simulation.Mixing;

/// <summary>
/// One GPU pool at one tick (<see cref="PoolUsage.Sample"/>): its Fixed GPUs and those training holds; the GPUs of its nodes
/// the controller has lent now, training's GPUs on nodes that started online (lent, or being taken back with runs still on
/// them) and the lent GPUs no run holds; the GPUs its inference replicas hold; the queued training jobs (submitted, not
/// running, not completed) that accept the pool and their GPUs; and, of those, the ones a lent node could take now (short:
/// expected run ≤ the long-job threshold, and no more GPUs than the most any one lent node has free) and the ones a Fixed
/// node could take now (no more GPUs than the most any one Fixed node has free).
/// </summary>
public sealed record MixingPoolSample(
    TimeSpan At,
    string Pool,
    int FixedGpus,
    int FixedBusyGpus,
    int LentNodes,
    int LentGpus,
    int LentBusyGpus,
    int LentIdleGpus,
    int InferenceGpus,
    int QueuedJobs,
    int QueuedGpus,
    int QueuedFitLent,
    int QueuedFitFixed);
