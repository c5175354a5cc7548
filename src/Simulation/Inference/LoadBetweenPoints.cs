namespace WPAI.Simulation.Inference;

/// <summary>How the replayed demand moves between two points of a load series (<c>--within-step</c>).</summary>
public enum LoadBetweenPoints
{
    /// <summary>Linear from one point to the next.</summary>
    Linear,

    /// <summary>Each point's value until the next point.</summary>
    Hold,
}
