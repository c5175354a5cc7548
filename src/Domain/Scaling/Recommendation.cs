namespace WPAI.Domain.Scaling;

/// <summary>A replica count a policy recommended at a time (the stabilization window's memory).</summary>
public sealed record Recommendation(DateTimeOffset At, int Replicas);
