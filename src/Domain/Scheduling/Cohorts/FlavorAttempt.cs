namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>One flavor the assigner considered for a pod set, in order: its mode and whether it needs borrowing.</summary>
public sealed record FlavorAttempt(string Flavor, FlavorMode Mode, bool Borrows);
