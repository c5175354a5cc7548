namespace WPAI.Simulation.Policies;

/// <summary>How a pool orders its pending jobs: by WPAI's priority score, or first come first served.</summary>
public enum QueueOrderKind
{
    Score,
    Fifo,
}
