using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>The SQLite provider inside a real (in-process) silo, through <see cref="WpaiStorageSiloBuilderExtensions.UseWpaiStorage"/>.</summary>
public sealed class SqliteSiloTests : IDisposable
{
    private readonly StorageTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task GrainState_SurvivesStoppingAndStartingTheSilo()
    {
        var serviceId = "wpai-test-" + Guid.NewGuid().ToString("N")[..8];
        var key = "probe-" + Guid.NewGuid().ToString("N");

        var first = await StartAsync(serviceId);
        try
        {
            var grain = first.GrainFactory.GetGrain<IStorageProbeGrain>(key);
            await grain.AddAsync(5);
            Assert.Equal(12, await grain.AddAsync(7));
            await first.GrainFactory.GetGrain<IStorageProbeGrain>(key + "-cleared").AddAsync(1);
            await first.GrainFactory.GetGrain<IStorageProbeGrain>(key + "-cleared").ClearAsync();
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await StartAsync(serviceId);
        try
        {
            Assert.Equal(12, await second.GrainFactory.GetGrain<IStorageProbeGrain>(key).GetAsync());
            Assert.Equal(0, await second.GrainFactory.GetGrain<IStorageProbeGrain>(key + "-cleared").GetAsync());
            Assert.Equal(13, await second.GrainFactory.GetGrain<IStorageProbeGrain>(key).AddAsync(1));
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    private async Task<TestCluster> StartAsync(string serviceId)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Properties[nameof(WpaiStorageOptions.SqlitePath)] = _context.DatabasePath;
        builder.AddSiloBuilderConfigurator<SqliteSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SqliteSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.UseWpaiStorage(new WpaiStorageOptions
            {
                Kind = StorageKind.Sqlite,
                SqlitePath = siloBuilder.Configuration[nameof(WpaiStorageOptions.SqlitePath)]!,
            });
    }
}
