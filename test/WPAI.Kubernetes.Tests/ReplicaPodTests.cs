using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Kubernetes.Tests;

/// <summary>Inference replicas as model-server pods with a Service, against the stand-in API server and a stand-in model server.</summary>
public sealed class ReplicaPodTests
{
    [Fact]
    public async Task Replicas_ArePodsWithAService_ScalingChangesThePodSet_AndLoadIsScraped()
    {
        await using var model = new StandInModelServer();
        await model.StartAsync();
        await using var dcgm = new StandInDcgmExporter();
        await dcgm.StartAsync();
        await using var k = await KubeSilo.StartAsync(TestCluster.TwoGpuNodes, o =>
        {
            o.ModelServerImage = "registry.example/model-server:1";
            o.ModelServerPort = model.Port;
            o.ReplicaSyncInterval = TimeSpan.FromHours(1); // rounds run by the test
            o.DcgmExporterUrls = [dcgm.MetricsUrl.ToString()];
        });
        k.Server.ServeMetricsApi = true;
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-1")).Mode == NodeMode.Fixed, "gpu-1 is registered");
        await k.Grains.GetGrain<INodeGrain>("gpu-1").ChangeModeAsync(NodeMode.OnlineNormal, "serve");
        var service = k.Grains.GetGrain<IInferenceServiceGrain>("bert");
        await service.DeployAsync(new InferenceServiceSpec("bert", "bert", TestCluster.Pool, new Resources(1, 2_000, 8_000), 80, 2, 4,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 40), TimeSpan.FromMilliseconds(100), 0.02));

        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        var pods = ReplicaPods(k);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("gpu-1", p["spec"]!["nodeName"]!.GetValue<string>()));
        var container = pods[0]["spec"]!["containers"]![0]!;
        Assert.Equal("/v2/health/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("1", container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        var svc = k.Server.Get("services", KubeSilo.Namespace, "wpai-s-bert");
        Assert.NotNull(svc);
        Assert.Equal("bert", svc["spec"]!["selector"]!["wpai.io/service"]!.GetValue<string>());

        await service.ScaleAsync(3, "test");
        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        Assert.Equal(3, ReplicaPods(k).Count);
        await service.ScaleAsync(2, "test");
        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        Assert.Equal(2, ReplicaPods(k).Count);
        Assert.Equal((await service.GetAsync()).Replicas.Select(r => ReplicaPodTemplate.PodName("bert", r.Id)).Order(), ReplicaPods(k).Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order());

        // A replica's pod deleted by someone else is created again on the next round.
        var deleted = ReplicaPods(k)[0]["metadata"]!["name"]!.GetValue<string>();
        k.Server.DeletePodNow(KubeSilo.Namespace, deleted);
        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        Assert.NotNull(k.Pod(deleted));
        Assert.Equal(2, ReplicaPods(k).Count);

        // Ready replicas are scraped: the first round is a baseline, the second reports the interval. Their CPU and
        // memory (of the 2000m / 8000Mi requested) come from the metrics API, their GPU utilization from DCGM.
        var names = ReplicaPods(k).Select(p => p["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            k.Server.SetPodPhase(KubeSilo.Namespace, name, "Running");
        }

        k.Server.SetPodMetrics(KubeSilo.Namespace, names[0], cpu: "1", memory: "4000Mi");
        k.Server.SetPodMetrics(KubeSilo.Namespace, names[1], cpu: "500m", memory: "2000Mi");
        dcgm.AddPodGpu(KubeSilo.Namespace, names[0], gpu: 0, utilizationPercent: 64);
        dcgm.AddPodGpu(KubeSilo.Namespace, names[1], gpu: 1, utilizationPercent: 32);

        (model.Success, model.Failure, model.DurationUs) = (100, 0, 2_000_000);
        Assert.Equal(0, await k.Replicas.SyncOnceAsync(CancellationToken.None));
        (model.Success, model.Failure, model.DurationUs) = (400, 4, 2_000_000 + (304 * 25_000));
        Assert.Equal(1, await k.Replicas.SyncOnceAsync(CancellationToken.None));
        var metrics = (await service.GetAsync()).LastMetrics!;
        Assert.Equal(4.0 / 304, metrics.ErrorRate);
        Assert.Equal(25.0, metrics.LatencyP99Ms);
        Assert.True(metrics.TotalQps > 0);
        Assert.Equal((0.5 + 0.25) / 2, metrics.CpuUtilization, 9);
        Assert.Equal((0.5 + 0.25) / 2, metrics.MemoryUtilization, 9);
        Assert.Equal((0.64 + 0.32) / 2, metrics.GpuUtilization, 9);

        await service.DeleteAsync();
        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        Assert.Empty(ReplicaPods(k));
        Assert.Null(k.Server.Get("services", KubeSilo.Namespace, "wpai-s-bert"));
    }

    private static List<JsonObject> ReplicaPods(KubeSilo k) =>
        [.. k.Server.List("pods", KubeSilo.Namespace).Where(p => p["metadata"]!["labels"]!["wpai.io/service"] is not null && p["metadata"]!["deletionTimestamp"] is null)];
}
