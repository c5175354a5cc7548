namespace WPAI.Grains.Fleet;

/// <summary>Options of <see cref="PoolAffinityPlacement"/> (configuration section <c>Wpai:Placement</c>).</summary>
public sealed class PoolPlacementOptions
{
    public const string SectionName = "Wpai:Placement";

    /// <summary>
    /// True (the default): a pool's scheduler, jobs and nodes activate on one silo. False: every new activation of
    /// those grains goes to a random compatible silo (as Orleans' random placement does), for comparison.
    /// </summary>
    public bool PoolAffinity { get; set; } = true;
}
