namespace WPAI.Domain.Nodes;

/// <summary>
/// Which of a node's GPUs (indices 0 … capacity−1, as <c>nvidia-smi</c> numbers them) an allocation holds: the lowest
/// free indices, so a node's GPUs are handed out densely and every index is held by at most one allocation.
/// </summary>
public static class GpuAssignment
{
    /// <summary>
    /// The <paramref name="count"/> lowest indices below <paramref name="capacity"/> that no entry of
    /// <paramref name="held"/> holds; null when fewer than that are free.
    /// </summary>
    public static ImmutableArray<int>? Assign(int capacity, IEnumerable<ImmutableArray<int>> held, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var used = new HashSet<int>(held.Where(h => !h.IsDefault).SelectMany(h => h));
        var free = Enumerable.Range(0, Math.Max(0, capacity)).Where(i => !used.Contains(i)).Take(count).ToImmutableArray();
        return free.Length == count ? free : null;
    }

    /// <summary>
    /// Gives every allocation in <paramref name="gpusByOwner"/> that holds GPUs but no indices (recorded before indices
    /// existed) its indices, keeping those already recorded. Owners are served in the order given.
    /// </summary>
    public static IReadOnlyDictionary<string, ImmutableArray<int>> Heal(int capacity, IReadOnlyList<(string Owner, int Gpus, ImmutableArray<int> Indices)> gpusByOwner)
    {
        var result = new Dictionary<string, ImmutableArray<int>>(StringComparer.Ordinal);
        var held = gpusByOwner.Where(a => !a.Indices.IsDefault).Select(a => a.Indices).ToList();
        foreach (var (owner, gpus, indices) in gpusByOwner)
        {
            if (!indices.IsDefault)
            {
                continue;
            }

            var assigned = Assign(capacity, held, gpus) ?? [];
            held.Add(assigned);
            result[owner] = assigned;
        }

        return result;
    }

    /// <summary>The comma-separated form used for <c>CUDA_VISIBLE_DEVICES</c> (empty for none).</summary>
    public static string Format(ImmutableArray<int> indices) => indices.IsDefaultOrEmpty ? string.Empty : string.Join(',', indices);
}
