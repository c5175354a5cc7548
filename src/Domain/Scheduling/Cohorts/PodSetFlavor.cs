namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>The flavor chosen for a pod set (null when none can take it), its mode, whether it borrows, and every flavor tried.</summary>
public sealed record PodSetFlavor(string Name, string? Flavor, FlavorMode Mode, bool Borrows, ImmutableArray<FlavorAttempt> Attempts);
