using System.Collections.Immutable;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Where each GPU pool's GPUs go at one tick (<see cref="MixingPoolSample"/>): pure, from the nodes, which started online,
/// which are lent now, the runs (node, GPUs), the inference replicas' GPUs per pool and the queued jobs. Pools without GPUs
/// (the <c>cpu</c> pool) are left out. A job with no GPU model named accepts every pool.
/// </summary>
public static class PoolUsage
{
    public static ImmutableArray<MixingPoolSample> Sample(
        TimeSpan at,
        IReadOnlyList<SimNode> nodes,
        IReadOnlySet<string> online,
        IReadOnlySet<string> lent,
        IEnumerable<(string Node, int Gpus)> running,
        IReadOnlyDictionary<string, int> inferenceGpusByPool,
        IReadOnlyCollection<SimJob> queued,
        TimeSpan longJobThreshold)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(lent);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(inferenceGpusByPool);
        ArgumentNullException.ThrowIfNull(queued);
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (node, gpus) in running)
        {
            held[node] = held.GetValueOrDefault(node) + gpus;
        }

        var samples = ImmutableArray.CreateBuilder<MixingPoolSample>();
        foreach (var pool in nodes.Where(n => n.Gpus > 0).GroupBy(n => n.Pool, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int fixedGpus = 0, fixedBusy = 0, lentNodes = 0, lentGpus = 0, lentBusy = 0, lentIdle = 0, lentMaxFree = 0, fixedMaxFree = 0;
            foreach (var n in pool)
            {
                var busy = held.GetValueOrDefault(n.Name);
                if (!online.Contains(n.Name))
                {
                    fixedGpus += n.Gpus;
                    fixedBusy += busy;
                    fixedMaxFree = Math.Max(fixedMaxFree, n.Gpus - busy);
                    continue;
                }

                lentBusy += busy;
                if (lent.Contains(n.Name))
                {
                    lentNodes++;
                    lentGpus += n.Gpus;
                    lentIdle += Math.Max(0, n.Gpus - busy);
                    lentMaxFree = Math.Max(lentMaxFree, n.Gpus - busy);
                }
            }

            var accepting = queued.Where(j => j.Gpus > 0 && (j.GpuModels.IsDefaultOrEmpty || j.GpuModels.Contains(pool.Key, StringComparer.Ordinal))).ToList();
            samples.Add(new MixingPoolSample(
                at,
                pool.Key,
                fixedGpus,
                fixedBusy,
                lentNodes,
                lentGpus,
                lentBusy,
                lentIdle,
                inferenceGpusByPool.GetValueOrDefault(pool.Key),
                accepting.Count,
                accepting.Sum(j => j.Gpus),
                accepting.Count(j => j.Declared <= longJobThreshold && j.Gpus <= lentMaxFree),
                accepting.Count(j => j.Gpus <= fixedMaxFree)));
        }

        return samples.ToImmutable();
    }
}
