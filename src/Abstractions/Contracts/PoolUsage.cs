namespace WPAI.Abstractions.Contracts;

/// <summary>GPUs a department holds in one pool, inside its own quota and borrowed beyond it.</summary>
[GenerateSerializer, Immutable, Alias("wpai.pool-usage")]
public sealed record PoolUsage(int OwnGpus, int BorrowedGpus)
{
    public static PoolUsage Empty { get; } = new(0, 0);
}
