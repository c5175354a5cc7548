namespace WPAI.Domain.Scaling;

/// <summary>The KPA's answer: the desired pods, whether it is in panic mode, why, and the state to keep.</summary>
public sealed record KpaDecision(int DesiredPods, bool Panicking, string Reason, KpaState Next);
