using Orleans.Placement;

namespace WPAI.Grains.Fleet;

/// <summary>Marks a grain class as placed by <see cref="PoolAffinityPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PoolAffinityPlacementAttribute() : PlacementAttribute(PoolAffinityPlacement.Instance);
