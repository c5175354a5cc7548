namespace WPAI.Domain.Scheduling;

/// <summary>A department's quota advice for a pool: <c>max(mean of its last 3 periods' GPU use, 0.9 × its peak use)</c>.</summary>
public static class QuotaAdvisor
{
    public static int Advise(IReadOnlyList<double> periodGpuUse, double peakGpuUse, int periods = 3, double peakWeight = 0.9)
    {
        if (periodGpuUse.Count == 0 && peakGpuUse <= 0)
        {
            return 0;
        }

        var recent = periodGpuUse.Skip(Math.Max(0, periodGpuUse.Count - periods)).ToArray();
        var mean = recent.Length == 0 ? 0 : recent.Average();
        return (int)Math.Ceiling(Math.Max(mean, peakWeight * peakGpuUse) - 1e-9);
    }
}
