namespace WPAI.Domain.Inference;

/// <summary>What a roll-out does next.</summary>
public enum RolloutAction
{
    /// <summary>A new-version replica is starting: wait for its readiness.</summary>
    Wait = 0,

    /// <summary>Start one replica of the new version (the surge).</summary>
    Start = 1,

    /// <summary>The surge replica is ready: drain one old replica.</summary>
    Drain = 2,

    /// <summary>Every serving replica runs the new version.</summary>
    Done = 3,
}
