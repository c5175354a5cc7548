namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>How a pool's mixing controller decides when to lend online nodes to training (README, "Mixing").</summary>
public enum MixingPolicyKind
{
    /// <summary>Never lends; lent nodes are taken back.</summary>
    Off = 0,

    /// <summary>Lends below <see cref="MixingSettings.MinRate"/>, reclaims above <see cref="MixingSettings.MaxRate"/> or when replicas are pending.</summary>
    Threshold = 1,

    /// <summary>Lends inside a fixed daily window (UTC), whatever the load; reclaims outside it or when replicas are pending.</summary>
    TimeWindow = 2,
}
