using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Client;

namespace WPAI.Cluster.Tests;

/// <summary>A fleet of identical 8-GPU nodes in several pools, departments with quotas, and jobs that keep running.</summary>
internal static class TestFleet
{
    public static readonly string[] Departments = ["research", "vision", "speech", "ads"];

    public static async Task RegisterAsync(IWpaiClient client, string[] pools, int nodesPerPool, int quotaPerPool)
    {
        var specs = pools.SelectMany(pool => Enumerable.Range(0, nodesPerPool)
            .Select(i => new NodeSpec($"{pool.ToLowerInvariant()}-{i:D3}", pool, 8, 64_000, 512 * 1024))).ToList();
        foreach (var chunk in specs.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(spec => client.AddNodeAsync(spec)));
        }

        foreach (var department in Departments)
        {
            await client.SetQuotaAsync(department, pools.ToDictionary(p => p, _ => quotaPerPool));
        }
    }

    /// <summary>
    /// Job <paramref name="index"/>: 1–2 GPUs, a department and pool by index (pool = index / 8, so that each of 8
    /// clients taking every 8th index submits to every pool), a quarter accepting a second pool; runs 10 h.
    /// </summary>
    public static JobSpec Job(string id, int index, string[] pools)
    {
        var p = index / 8 % pools.Length;
        var models = index % 4 == 3 ? ImmutableArray.Create(pools[p], pools[(p + 1) % pools.Length]) : [pools[p]];
        var gpus = index % 5 == 0 ? 2 : 1;
        return new JobSpec(id, Departments[index % Departments.Length], models, gpus, 2_000 * gpus, 8_192 * gpus, TimeSpan.FromHours(10));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or Xunit.Sdk.XunitException))
            {
                // the cluster may still be settling; ask again
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(500));
        }
    }

    public static WpaiClientOptions ClientOptions(string connection, string clusterId) => new()
    {
        ClusterId = clusterId,
        ClusteringConnection = connection,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectRetries = 10,
        ConnectRetryDelay = TimeSpan.FromSeconds(1),
        ResponseTimeout = TimeSpan.FromSeconds(10),
        GatewayListRefreshPeriod = TimeSpan.FromSeconds(2),
    };
}
