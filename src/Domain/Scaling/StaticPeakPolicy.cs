namespace WPAI.Domain.Scaling;

/// <summary>The <c>static-peak</c> baseline: a fixed count sized for the peak demand seen in training.</summary>
public static class StaticPeakPolicy
{
    /// <summary><c>ceil(peak demand / (capacity per replica × target utilization))</c>, clamped to [min, max].</summary>
    public static int Replicas(double peakDemand, double capacityPerReplica, double targetUtilization, int min, int max)
    {
        if (!(capacityPerReplica > 0) || !(targetUtilization > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPerReplica), "capacity and target utilization must be positive");
        }

        var n = (int)Math.Ceiling((peakDemand / (capacityPerReplica * targetUtilization)) - 1e-9);
        return Math.Clamp(n, min, max);
    }
}
