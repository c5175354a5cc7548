namespace WPAI.Abstractions.Contracts;

/// <summary>The role a node plays in the fleet (README, "Mixing").</summary>
public enum NodeMode
{
    /// <summary>Serves inference replicas.</summary>
    OnlineNormal = 0,

    /// <summary>An inference machine lent to training.</summary>
    OfflineNormal = 1,

    /// <summary>Draining between online and offline; nothing new lands here.</summary>
    Unnormal = 2,

    /// <summary>A dedicated training machine, never lent.</summary>
    Fixed = 3,

    /// <summary>Out of service.</summary>
    Down = 4,
}
