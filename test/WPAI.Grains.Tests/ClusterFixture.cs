using WPAI.Domain.Scheduling;
using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests;

/// <summary>
/// One in-process Orleans test cluster for the grain tests, with WPAI's in-memory storage (<see cref="InMemoryGrainStorage"/>), a <see cref="FakeTimeProvider"/>
/// as the grains' clock, and passes run explicitly by the tests (AutoPass off) so that every step is a barrier; other
/// scheduling options come from <c>scheduling</c> (a fixture of its own for a test that needs them).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly Action<SchedulingOptions>? _scheduling;
    private readonly Action<ISiloBuilder>? _silo;

    public ClusterFixture()
    {
    }

    internal ClusterFixture(Action<SchedulingOptions> scheduling, Action<ISiloBuilder>? silo = null)
    {
        _scheduling = scheduling;
        _silo = silo;
    }

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Memory });
            silo.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, Clock);
            silo.AddWpaiGrains(o =>
            {
                o.AutoPass = false;
                _scheduling?.Invoke(o);
            });
            _silo?.Invoke(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
