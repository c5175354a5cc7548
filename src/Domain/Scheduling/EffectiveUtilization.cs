namespace WPAI.Domain.Scheduling;

/// <summary>Effective GPU utilization of a job: <c>max(mean of its last n GPU samples, w × peak GPU-memory fraction)</c>.</summary>
public static class EffectiveUtilization
{
    public static double? Compute(IReadOnlyList<double> gpuSamples, double peakMemoryFraction, SchedulingOptions options)
    {
        if (gpuSamples.Count == 0 && peakMemoryFraction <= 0)
        {
            return null;
        }

        var recent = gpuSamples.Skip(Math.Max(0, gpuSamples.Count - options.UtilizationSamples)).ToArray();
        var mean = recent.Length == 0 ? 0 : recent.Average();
        return Math.Clamp(Math.Max(mean, options.PeakMemoryWeight * peakMemoryFraction), 0, 1);
    }

    /// <summary>The mean of a department's recent job utilizations (null when it has none).</summary>
    public static double? OfDepartment(IReadOnlyList<double> recentJobs) => recentJobs.Count == 0 ? null : recentJobs.Average();
}
