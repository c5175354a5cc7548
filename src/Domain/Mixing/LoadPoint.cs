namespace WPAI.Domain.Mixing;

/// <summary>A forecast load (QPS) at one time.</summary>
public sealed record LoadPoint(DateTimeOffset At, double Qps);
