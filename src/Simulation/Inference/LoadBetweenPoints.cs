namespace WPAI.Simulation.Inference;

/// <summary>How the replayed demand moves between two points of a load series (<c>--within-step</c>).</summary>
public enum LoadBetweenPoints
{
    /// <summary>Linear from one point to the next.</summary>
    Linear,

    /// <summary>Each point's value until the next point.</summary>
    Hold,

    /// <summary>
    /// Linear between the middles of the points' intervals: a point is the mean over the step it starts, so it is placed
    /// half a step after its time and the demand runs linearly from one middle to the next.
    /// </summary>
    Centre,
}
