namespace WPAI.Simulation.Workload;

/// <summary>
/// Published shapes of Microsoft's Philly GPU cluster (Jeon et al., ATC'19; cluster-trace-gpu-v2020 analysis):
/// job run times (median ≈ 20 min, p90 ≈ 3.6 h, ≈ 5 % over 12 h), job sizes (≈ 55 % on ≤ 1 GPU) and per-job GPU
/// utilization (median ≈ 45–50 %, ≈ 25–30 % near zero). Pure functions of a uniform number, so callers choose the randomness.
/// </summary>
public static class PhillyShape
{
    // Quantiles of the 83,154 Philly run times (seconds), read off the published runtime CDF; log-linear in between.
    private static readonly (double P, double Seconds)[] RuntimeQuantiles =
    [
        (0.00, 1), (0.05, 48), (0.10, 61), (0.20, 76), (0.25, 131), (0.30, 229), (0.40, 630), (0.50, 1186),
        (0.60, 1871), (0.70, 2590), (0.75, 3342), (0.80, 4700), (0.85, 6300), (0.90, 12860), (0.93, 23848),
        (0.95, 49969), (0.97, 101884), (0.99, 287333), (0.995, 484829), (0.999, 1361908), (1.00, 2592000),
    ];

    // Job sizes (GPUs per job, all on one node): 1 GPU dominates as in Philly; multi-GPU jobs use 2, 4 or 8.
    private static readonly (double CumulativeP, int Gpus)[] Sizes = [(0.55, 1), (0.70, 2), (0.85, 4), (1.0, 8)];

    /// <summary>Near-zero share of per-job GPU utilization (Philly: 25–30 %).</summary>
    public const double NearZeroShare = 0.27;

    /// <summary>The run time at uniform quantile <paramref name="u"/>.</summary>
    public static TimeSpan Runtime(double u)
    {
        u = Math.Clamp(u, 0, 1);
        for (var i = 1; i < RuntimeQuantiles.Length; i++)
        {
            var (p1, s1) = RuntimeQuantiles[i];
            if (u <= p1)
            {
                var (p0, s0) = RuntimeQuantiles[i - 1];
                var t = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
                return TimeSpan.FromSeconds(Math.Round(Math.Exp(Math.Log(s0) + (t * (Math.Log(s1) - Math.Log(s0))))));
            }
        }

        return TimeSpan.FromSeconds(RuntimeQuantiles[^1].Seconds);
    }

    /// <summary>GPUs of a job at uniform quantile <paramref name="u"/>.</summary>
    public static int Gpus(double u)
    {
        foreach (var (p, gpus) in Sizes)
        {
            if (u < p)
            {
                return gpus;
            }
        }

        return Sizes[^1].Gpus;
    }

    /// <summary>
    /// Mean GPU utilization of a job at uniform quantile <paramref name="u"/>: 27 % of jobs near zero (0–5 %), the rest
    /// uniform on 20–100 % (median of the whole ≈ 45 %), capped at what the job asked for (<paramref name="cap"/>, e.g. gpu_milli / 1000).
    /// </summary>
    public static double GpuUtilization(double u, double cap = 1.0)
    {
        var value = u < NearZeroShare
            ? 0.05 * (u / NearZeroShare)
            : 0.2 + (0.8 * ((u - NearZeroShare) / (1 - NearZeroShare)));
        return Math.Min(value, Math.Clamp(cap, 0, 1));
    }
}
