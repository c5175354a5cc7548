using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;
using WPAI.Forecasting;
using WPAI.Grains.Inference;
using WPAI.Silo.Hosting;

namespace WPAI.Grains.Tests.Inference;

/// <summary>
/// A test cluster for inference services: grain storage outside the silo (it survives a silo restart), a
/// <see cref="FakeTimeProvider"/> clock, evaluations only when a test calls them, and a forecaster that needs
/// 3 hours of history (so tests can train one quickly).
/// </summary>
public sealed class InferenceClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> _records = new();

    public FakeTimeProvider Clock { get; } = new(Start);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(WpaiCluster.StorageProvider, (sp, _) => new SharedGrainStorage(_records, sp.GetRequiredService<Serializer>()));
            silo.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, Clock);
            silo.AddWpaiGrains(o => o.AutoPass = false);
            silo.Services.AddWpaiInference(o =>
            {
                o.EvaluationPeriod = TimeSpan.Zero;
                o.Forecaster = new ForecasterOptions { MinHistory = TimeSpan.FromHours(3), MinTrainingRows = 50, NumberOfTrees = 20 };
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Stops the silo and starts a fresh one; storage is all that carries over.</summary>
    public async Task RestartSiloAsync()
    {
        var silo = Cluster.Silos[0];
        await Cluster.RestartSiloAsync(silo);
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class InferenceClusterCollection : ICollectionFixture<InferenceClusterFixture>
{
    public const string Name = "inference-cluster";
}
