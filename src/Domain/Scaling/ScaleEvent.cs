namespace WPAI.Domain.Scaling;

/// <summary>A past change of the replica count (its size, positive), for the HPA's rate limits.</summary>
public sealed record ScaleEvent(DateTimeOffset At, int Change);
