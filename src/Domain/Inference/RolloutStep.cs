namespace WPAI.Domain.Inference;

/// <summary>The next step of a roll-out; <paramref name="Replica"/> names the old replica to drain.</summary>
public sealed record RolloutStep(RolloutAction Action, string? Replica);
