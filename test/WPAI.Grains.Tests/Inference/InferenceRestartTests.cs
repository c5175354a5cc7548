using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Grains.Tests.Inference;

[Collection(InferenceClusterCollection.Name)]
public sealed class InferenceRestartTests(InferenceClusterFixture fixture)
{
    [Fact]
    public async Task ServiceState_SurvivesSiloRestart()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var pool = $"A10-{suffix}";
        var nodeName = $"n-{suffix}";
        await fixture.Grains.GetGrain<INodeGrain>(nodeName).RegisterAsync(new NodeSpec(nodeName, pool, 8, 32_000, 128_000), NodeMode.OnlineNormal);
        var name = $"persist-{suffix}";
        var spec = new InferenceServiceSpec(name, "bert", pool, new Resources(1, 1_000, 4_000), 80, 1, 8,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 40), TimeSpan.FromMilliseconds(100), 0.02);
        await fixture.Grains.GetGrain<IInferenceServiceGrain>(name).DeployAsync(spec);
        await fixture.Grains.GetGrain<IInferenceServiceGrain>(name).ScaleAsync(3, "before restart");
        var before = await fixture.Grains.GetGrain<IInferenceServiceGrain>(name).GetAsync();

        await fixture.RestartSiloAsync();

        var after = await fixture.Grains.GetGrain<IInferenceServiceGrain>(name).GetAsync();
        Assert.Equal(spec with { Targets = after.Spec.Targets }, after.Spec);
        Assert.Equal(spec.Targets, after.Spec.Targets);
        Assert.Equal(before.Replicas.ToArray(), after.Replicas.ToArray());
        Assert.Equal(3, after.DesiredReplicas);
        Assert.Equal(before.Decisions.Select(d => d.Reason), after.Decisions.Select(d => d.Reason));
        var node = await fixture.Grains.GetGrain<INodeGrain>(nodeName).GetAsync();
        Assert.Equal(3, node.Allocated.Gpus);
    }
}
