using WPAI.Domain.Common;

namespace WPAI.Domain.Jobs;

/// <summary>
/// How a running job's usage samples are kept: every sample adds to the CPU totals; a GPU sample (utilization clamped
/// to [0, 1]) joins the newest <see cref="MaxGpuSamples"/> and raises the GPU-memory peak, while an unmeasured GPU (NaN:
/// no nvidia-smi on the node) adds no GPU sample rather than a false zero.
/// </summary>
public static class JobUsage
{
    public const int MaxGpuSamples = 10;

    /// <summary>Adds <paramref name="samples"/> to <paramref name="gpuSamples"/> and <paramref name="totals"/>; returns the new totals.</summary>
    public static UsageTotals Add(List<double> gpuSamples, UsageTotals totals, IEnumerable<UsageSample> samples)
    {
        ArgumentNullException.ThrowIfNull(gpuSamples);
        ArgumentNullException.ThrowIfNull(samples);
        var (sum, count, peak, memory) = totals;
        foreach (var sample in samples)
        {
            sum += sample.CpuUsedMilli;
            count++;
            peak = Math.Max(peak, sample.CpuUsedMilli);
            if (double.IsNaN(sample.GpuUtilization))
            {
                continue;
            }

            BoundedList.AddNewestLast(gpuSamples, Math.Clamp(sample.GpuUtilization, 0, 1), MaxGpuSamples);
            memory = Math.Max(memory, Math.Clamp(sample.GpuMemoryFraction, 0, 1));
        }

        return new UsageTotals(sum, count, peak, memory);
    }
}
