namespace WPAI.Domain.Scheduling;

/// <summary>How a pool orders its pending jobs.</summary>
public enum QueueOrder
{
    /// <summary>By priority score (tier, wait-time aging, utilization penalty).</summary>
    Score = 0,

    /// <summary>First come, first served.</summary>
    Fifo = 1,
}
