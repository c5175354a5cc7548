namespace WPAI.Silo.Metrics;

/// <summary>
/// The measured GPU utilization of the training jobs running now, per (pool, department): each running job's newest
/// usage point (<see cref="JobView.Usage"/>) that measured a GPU and ended within <paramref name="Fresh"/> of now,
/// weighted by the job's GPUs. Jobs without a recent GPU measurement (no nvidia-smi, or no report lately) are left out
/// and do not count as idle.
/// </summary>
internal static class RunningUtilization
{
    /// <summary>(pool, department) → (GPU-weighted mean utilization, GPUs measured).</summary>
    public static Dictionary<(string Pool, string Department), (double Utilization, int Gpus)> Compute(
        IEnumerable<JobView> jobs, DateTimeOffset now, TimeSpan fresh)
    {
        var sums = new Dictionary<(string, string), (double Weighted, int Gpus)>();
        foreach (var job in jobs)
        {
            if (job is not { Status: JobStatus.Running, Placement: { } placement } || job.Usage.IsDefaultOrEmpty || placement.Resources.Gpus <= 0)
            {
                continue;
            }

            var newest = job.Usage.LastOrDefault(u => u.Attempt == placement.Attempt && u.GpuUtilization is not null);
            if (newest is null || newest.Start + newest.Width < now - fresh)
            {
                continue;
            }

            var key = (placement.Pool, job.Spec.Department);
            var (weighted, gpus) = sums.GetValueOrDefault(key);
            sums[key] = (weighted + (newest.GpuUtilization!.Value * placement.Resources.Gpus), gpus + placement.Resources.Gpus);
        }

        return sums.ToDictionary(kv => kv.Key, kv => (kv.Value.Weighted / kv.Value.Gpus, kv.Value.Gpus));
    }
}
