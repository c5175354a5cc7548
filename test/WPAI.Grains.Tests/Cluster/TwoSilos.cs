using Orleans;
using Orleans.Runtime;
using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Cluster;

/// <summary>
/// The two-silo cluster of the placement and call-origin tests: in-memory storage, a fixed clock, passes run by the
/// test (no automatic pass), plus what a test adds to each silo; and what those tests read from it.
/// </summary>
internal static class TwoSilos
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static async Task<InProcessTestCluster> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Memory });
            silo.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, new FakeTimeProvider(Start));
            silo.AddWpaiGrains(o => o.AutoPass = false);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Two fresh pool names whose stable hashes differ in parity, so that on two silos they belong to different ones.</summary>
    public static string[] PoolsThatHashApart(string suffix)
    {
        var names = Enumerable.Range(0, 64).Select(i => $"pool{i}-{suffix}").ToList();
        return [names.First(n => StableHash.ComputeHash(n) % 2 == 0), names.First(n => StableHash.ComputeHash(n) % 2 == 1)];
    }

    /// <summary>The silo of every activation of the given grain types, by (type, key); both silos must be active.</summary>
    public static async Task<Dictionary<(string Type, string Key), SiloAddress>> ActivationSilosAsync(IGrainFactory grains, params string[] types)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
        Assert.Equal(2, hosts.Length);
        var activations = await management.GetDetailedGrainStatistics(null, hosts);
        return activations
            .Where(a => types.Contains(a.GrainId.Type.ToString()))
            .ToDictionary(a => (a.GrainId.Type.ToString()!, a.GrainId.Key.ToString()!), a => a.SiloAddress);
    }
}
