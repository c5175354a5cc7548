namespace WPAI.Simulation.Workload;

/// <summary>
/// Seeded, platform-independent hashing (FNV-1a then SplitMix64 finalization): the same seed and key give the same
/// number on every machine and every run, unlike <see cref="string.GetHashCode()"/>.
/// </summary>
public static class SeededHash
{
    public static ulong Hash(int seed, string purpose, string key)
    {
        var h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var c in purpose)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h = (h ^ 0x1F) * 1099511628211UL;
        foreach (var c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return Mix(h);
    }

    /// <summary>A uniform number in [0, 1) for this seed, purpose and key.</summary>
    public static double Unit(int seed, string purpose, string key) => (Hash(seed, purpose, key) >> 11) * (1.0 / (1UL << 53));

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
