namespace WPAI.Simulation.Policies;

/// <summary>Which node a job lands on among those that fit: the tightest (best fit) or the first by name (first fit).</summary>
public enum PlacementKind
{
    BestFit,
    FirstFit,
}
