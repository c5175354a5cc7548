namespace WPAI.Domain.Mixing;

/// <summary>
/// A forecast load (QPS) at one time: <paramref name="Qps"/> the mean of the recent days at that time of day,
/// <paramref name="BusiestQps"/> the busiest of them.
/// </summary>
public sealed record LoadPoint(DateTimeOffset At, double Qps, double BusiestQps);
