using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// A WPAI silo with the Kubernetes driver (configured through a kubeconfig file, as in production) against a
/// <see cref="FakeKubeApiServer"/> stand-in, with its grain state in a private SQLite file so that a test can stop the
/// silo and start a new one (a WPAI restart). Scheduling passes are run by the test (a barrier), not by timers.
/// </summary>
public sealed class KubeSilo : IAsyncDisposable
{
    public const string Namespace = "wpai-test";

    public const string Image = "registry.example/train:1";

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromHours(10);

    private readonly string _directory = Directory.CreateTempSubdirectory("wpai-kube-").FullName;
    private readonly string _serviceId = "wpai-kube-" + Guid.NewGuid().ToString("N")[..8];

    public FakeKubeApiServer Server { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public KubernetesClusterDriver Driver => Cluster.Silos[0].ServiceProvider.GetRequiredService<KubernetesClusterDriver>();

    public KubernetesDriverRuntime Runtime => Cluster.Silos[0].ServiceProvider.GetRequiredService<KubernetesDriverRuntime>();

    private Action<KubernetesDriverOptions>? _configure;

    public KubernetesUsageSampler Usage => Cluster.Silos[0].ServiceProvider.GetRequiredService<KubernetesUsageSampler>();

    public KubernetesReplicaSync Replicas => Cluster.Silos[0].ServiceProvider.GetRequiredService<KubernetesReplicaSync>();

    public static async Task<KubeSilo> StartAsync(Action<FakeKubeApiServer>? cluster = null, Action<KubernetesDriverOptions>? configure = null)
    {
        var silo = new KubeSilo { _configure = configure };
        await silo.Server.StartAsync();
        cluster?.Invoke(silo.Server);
        await silo.StartSiloAsync();
        return silo;
    }

    /// <summary>
    /// The usual start: the <see cref="TestCluster"/> nodes registered (Fixed) and <paramref name="department"/> given a
    /// quota of 16 GPUs in their pool.
    /// </summary>
    public static async Task<KubeSilo> StartWithQuotaAsync(string department, Action<KubernetesDriverOptions>? configure = null)
    {
        var k = await StartAsync(TestCluster.TwoGpuNodes, configure);
        await EventuallyAsync(async () => (await k.NodeAsync("gpu-2")).Mode == NodeMode.Fixed, "the GPU nodes are registered");
        await k.SetQuotaAsync(department, TestCluster.Pool, 16);
        return k;
    }

    /// <summary>Starts a silo on the state file (the first start creates it) and waits until the driver listed pods once.</summary>
    public async Task StartSiloAsync()
    {
        var kubeconfig = Server.WriteKubeConfig(_directory);
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = Path.Combine(_directory, "wpai.db") });
            silo.Services.AddWpaiKubernetes(o =>
            {
                o.KubeConfig = kubeconfig;
                o.Namespace = Namespace;
                o.DefaultImage = Image;
                o.DefaultGracePeriod = Grace;
                o.ModeSyncInterval = TimeSpan.FromMilliseconds(200);
                o.RetryDelay = TimeSpan.FromMilliseconds(100);
                o.ResyncInterval = TimeSpan.FromMinutes(30);
                o.UsageInterval = TimeSpan.FromHours(1); // usage rounds run by the test
                o.StartTimeout = StartTimeout; // checked by the test with an explicit time
                _configure?.Invoke(o);
            });
            silo.AddWpaiGrains(o => o.AutoPass = false);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await EventuallyAsync(() => Task.FromResult(Driver.Adoption is not null), "the driver listed the pods once");
    }

    public async Task StopSiloAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public async Task<DepartmentView> SetQuotaAsync(string dept, string pool, int gpus) =>
        await Grains.GetGrain<IDepartmentGrain>(dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(pool, gpus));

    public static JobSpec Job(string id, string dept, string pool, int gpus, int cpuMilli = 4_000, long memoryMib = 16_000) =>
        new(id, dept, [pool], gpus, cpuMilli, memoryMib, TimeSpan.FromHours(10));

    public async Task<JobView> SubmitAndScheduleAsync(JobSpec spec)
    {
        await Grains.GetGrain<IJobGrain>(spec.JobId).SubmitAsync(spec);
        await ScheduleAsync(spec.GpuModels[0]);
        return await JobAsync(spec.JobId);
    }

    /// <summary>Runs passes on a pool until it places nothing more.</summary>
    public async Task ScheduleAsync(string pool)
    {
        for (var round = 0; round < 10 && await Grains.GetGrain<IPoolSchedulerGrain>(pool).RunPassAsync() > 0; round++)
        {
        }
    }

    public Task<JobView> JobAsync(string id) => Grains.GetGrain<IJobGrain>(id).GetAsync();

    public Task<NodeView> NodeAsync(string name) => Grains.GetGrain<INodeGrain>(name).GetAsync();

    public JsonObject? Pod(string name) => Server.Get("pods", Namespace, name);

    /// <summary>Waits (bounded: 10 s) until a condition holds: for the effects of watch events, which arrive asynchronously.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 400; i++)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (WpaiNotFoundException)
            {
                // not there yet (a node or job the driver has not registered)
            }

            await Task.Delay(25);
        }

        Assert.Fail($"timed out waiting until {what}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopSiloAsync();
        }
        finally
        {
            await Server.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
