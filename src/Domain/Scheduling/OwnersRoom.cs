namespace WPAI.Domain.Scheduling;

/// <summary>
/// Whether a long borrowed run would be exposed in a pool (<see cref="SchedulingOptions.LeaveRoomForOwners"/>): owners take
/// borrowed GPUs back only when their jobs find no room, so a run that borrows <c>b</c> GPUs of other departments' quota is
/// exposed where it would leave fewer than <c>b</c> GPUs free in the pool beside it — the owners' next <c>b</c> GPUs of
/// demand would have to come out of borrowed runs. Pure arithmetic over the pool as a pass sees it.
/// </summary>
public static class OwnersRoom
{
    /// <summary>The GPUs of a request beyond what is left of its department's own quota in the pool (never negative).</summary>
    public static int BorrowedGpus(int requestGpus, int quotaGpus, int ownGpusInUse) =>
        Math.Max(0, requestGpus - Math.Max(0, quotaGpus - ownGpusInUse));

    /// <summary>
    /// True when placing <paramref name="requestGpus"/> in a pool with <paramref name="poolFreeGpus"/> free would leave fewer
    /// GPUs free than the <paramref name="borrowedGpus"/> the run takes from other departments' quota.
    /// </summary>
    public static bool Exposed(int requestGpus, int borrowedGpus, int poolFreeGpus) =>
        borrowedGpus > 0 && poolFreeGpus - requestGpus < borrowedGpus;
}
