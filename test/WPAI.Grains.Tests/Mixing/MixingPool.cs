using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>A uniquely named pool with nodes, one inference service, a department and its mixing controller.</summary>
public sealed class MixingPool(IGrainFactory grains, string suffix)
{
    private readonly string _suffix = suffix;

    public MixingPool(IGrainFactory grains)
        : this(grains, Guid.NewGuid().ToString("N")[..8])
    {
    }

    /// <summary>The same pool seen through another cluster's client (after a restart).</summary>
    public MixingPool(IGrainFactory grains, MixingPool same)
        : this(grains, same._suffix)
    {
    }

    public IGrainFactory Grains => grains;

    public string Pool => $"M-{_suffix}";

    public string Dept => $"d-{_suffix}";

    public string Name(string name) => $"{name}-{_suffix}";

    public IMixingControllerGrain Controller => grains.GetGrain<IMixingControllerGrain>(Pool);

    public IInferenceServiceGrain Service => grains.GetGrain<IInferenceServiceGrain>(Name("svc"));

    public IPoolSchedulerGrain Scheduler => grains.GetGrain<IPoolSchedulerGrain>(Pool);

    /// <summary>Threshold policy, explicit ticks only, the default band and dwell.</summary>
    public static MixingSettings Settings => MixingSettings.Default with { TickInterval = TimeSpan.Zero };

    public INodeGrain Node(string name) => grains.GetGrain<INodeGrain>(Name(name));

    public async Task<string> AddNodeAsync(string name, int gpus, NodeMode mode)
    {
        await Node(name).RegisterAsync(new NodeSpec(Name(name), Pool, gpus, 32_000, 128_000), mode);
        return Name(name);
    }

    public Task<InferenceServiceView> DeployAsync(int replicas, int replicaGpus = 1) =>
        Service.DeployAsync(new InferenceServiceSpec(
            Name("svc"), "resnet18", Pool, new Resources(replicaGpus, 1_000, 4_000), 100, replicas, 16,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 50), TimeSpan.FromMilliseconds(200), 0.01));

    /// <summary>
    /// Node a serves the service's one replica; node b has just come online from Fixed (inside the dwell time, so the
    /// controller lends a, whose replica moves to b).
    /// </summary>
    public async Task<(string A, string B)> TwoNodesAsync()
    {
        var a = await AddNodeAsync("a", 4, NodeMode.OnlineNormal);
        var b = await AddNodeAsync("b", 4, NodeMode.Fixed);
        await DeployAsync(1);
        await Node("b").ChangeModeAsync(NodeMode.OnlineNormal, "joins inference");
        await grains.GetGrain<IDepartmentGrain>(Dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(Pool, 8));
        return (a, b);
    }

    public async Task<string> SubmitAsync(string id, int gpus, TimeSpan duration)
    {
        var job = new JobSpec(Name(id), Dept, [Pool], gpus, 1_000, 4_000, duration);
        await grains.GetGrain<IJobGrain>(job.JobId).SubmitAsync(job);
        await Scheduler.RunPassAsync();
        return job.JobId;
    }

    public Task<JobView> JobAsync(string jobId) => grains.GetGrain<IJobGrain>(jobId).GetAsync();
}
