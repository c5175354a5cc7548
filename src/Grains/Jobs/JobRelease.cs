using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Jobs;

/// <summary>
/// The release of a run that ended: its node allocation, its department's ledger entry and its pool's ledger entry.
/// Every call is idempotent, so the job grain carries an owed release out again after a crash (see
/// <see cref="JobState.Releasing"/>) without double-counting.
/// </summary>
internal static class JobRelease
{
    /// <summary>
    /// Releases <paramref name="placement"/>: the node, then the pool (one-way, with the node's capacity after the release,
    /// so the node does not report it separately), then the department; with <paramref name="nodeAndPool"/> false only
    /// the department record (a re-queued job may already hold a reservation for its next attempt on the same node).
    /// </summary>
    public static async Task RunAsync(IGrainFactory grains, PoolOutbox outbox, JobSpec spec, Placement placement, JobOutcome outcome, bool nodeAndPool)
    {
        if (nodeAndPool)
        {
            var freed = await grains.GetGrain<INodeGrain>(placement.Node).ReleaseForSchedulerAsync(spec.JobId);
            _ = grains.GetGrain<IPoolSchedulerGrain>(placement.Pool).JobEndedAsync(spec.JobId, outcome.EffectiveGpuUtilization, freed, outbox.Next(placement.Pool));
        }

        await grains.GetGrain<IDepartmentGrain>(spec.Department).RecordEndAsync(outcome);
    }
}
