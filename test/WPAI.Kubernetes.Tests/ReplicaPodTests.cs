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
        await using var k = await KubeSilo.StartAsync(TestCluster.TwoGpuNodes, o =>
        {
            o.ModelServerImage = "registry.example/model-server:1";
            o.ModelServerPort = model.Port;
            o.ReplicaSyncInterval = TimeSpan.FromHours(1); // rounds run by the test
        });
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

        // Ready replicas are scraped: the first round is a baseline, the second reports the interval.
        foreach (var pod in ReplicaPods(k))
        {
            k.Server.SetPodPhase(KubeSilo.Namespace, pod["metadata"]!["name"]!.GetValue<string>(), "Running");
        }

        (model.Success, model.Failure, model.DurationUs) = (100, 0, 2_000_000);
        Assert.Equal(0, await k.Replicas.SyncOnceAsync(CancellationToken.None));
        (model.Success, model.Failure, model.DurationUs) = (400, 4, 2_000_000 + (304 * 25_000));
        Assert.Equal(1, await k.Replicas.SyncOnceAsync(CancellationToken.None));
        var metrics = (await service.GetAsync()).LastMetrics!;
        Assert.Equal(4.0 / 304, metrics.ErrorRate);
        Assert.Equal(25.0, metrics.LatencyP99Ms);
        Assert.True(metrics.TotalQps > 0);

        await service.DeleteAsync();
        await k.Replicas.SyncOnceAsync(CancellationToken.None);
        Assert.Empty(ReplicaPods(k));
        Assert.Null(k.Server.Get("services", KubeSilo.Namespace, "wpai-s-bert"));
    }

    private static List<JsonObject> ReplicaPods(KubeSilo k) =>
        [.. k.Server.List("pods", KubeSilo.Namespace).Where(p => p["metadata"]!["labels"]!["wpai.io/service"] is not null && p["metadata"]!["deletionTimestamp"] is null)];
}
