namespace WPAI.Domain.Mixing;

/// <summary>
/// Forecast inference demand of a pool at one time, in GPUs of desired replicas: <paramref name="DemandGpus"/> from the
/// mean of the recent days, <paramref name="BusiestGpus"/> from the busiest of them (null when not known: the mean).
/// </summary>
public sealed record DemandPoint(DateTimeOffset At, double DemandGpus, double? BusiestGpus = null)
{
    /// <summary>The demand of the busiest recent day at this time, or the mean when it is not known.</summary>
    public double Busiest => BusiestGpus ?? DemandGpus;
}
