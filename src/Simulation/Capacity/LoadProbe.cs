namespace WPAI.Simulation.Capacity;

/// <summary>One replay of the sustainable-load search: the offered load, what was measured, and whether it was sustained.</summary>
public sealed record LoadProbe(double Load, double WaitP95Seconds, double BacklogShare, bool Sustained);
