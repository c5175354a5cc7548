namespace WPAI.Domain.Jobs;

/// <summary>A run's measured usage so far: CPU sum, sample count and peak (millicores), and the peak GPU-memory fraction.</summary>
public readonly record struct UsageTotals(double CpuSum, int CpuCount, double CpuPeak, double PeakGpuMemory)
{
    /// <summary>Nothing measured yet (a new run).</summary>
    public static UsageTotals None => default;

    /// <summary>The mean CPU use, null before the first sample.</summary>
    public double? CpuAverage => CpuCount == 0 ? null : CpuSum / CpuCount;

    /// <summary>The peak CPU use, null before the first sample.</summary>
    public double? CpuPeakOrNull => CpuCount == 0 ? null : CpuPeak;
}
