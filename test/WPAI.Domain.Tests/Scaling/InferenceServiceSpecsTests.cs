using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

public sealed class InferenceServiceSpecsTests
{
    private static readonly string[] Pools = ["T4", "A10"];

    private static InferenceServiceSpec Good() =>
        new("svc", "resnet18", "T4", new Resources(1, 2_000, 8_000), 100, 1, 10,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.Cpu, 0.7), TimeSpan.FromMilliseconds(200), 0.01);

    [Fact]
    public void Validate_AcceptsGoodSpec_AndDefaultsQpsTargetTo70PercentOfCapacity()
    {
        InferenceServiceSpecs.Validate(Good(), Pools);
        Assert.Equal(70, InferenceServiceSpecs.QpsTarget(Good()), 9);
    }

    public static TheoryData<InferenceServiceSpec, string> Bad() => new()
    {
        { Good() with { MinReplicas = 5, MaxReplicas = 2 }, "spec.maxReplicas" },
        { Good() with { CapacityQps = 0 }, "spec.capacityQps" },
        { Good() with { Pool = "H100" }, "spec.pool" },
        { Good() with { Model = "" }, "spec.model" },
        { Good() with { ReplicaResources = Resources.None }, "spec.replicaResources" },
        { Good() with { Targets = ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.Cpu, 70) }, "spec.targets.Cpu" },
        { Good() with { LatencySloP99 = TimeSpan.Zero }, "spec.latencySloP99" },
        { Good() with { ErrorRateSlo = 1.5 }, "spec.errorRateSlo" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Validate_RejectsBadSpec_NamingTheField(InferenceServiceSpec spec, string field)
    {
        var e = Assert.Throws<WpaiValidationException>(() => InferenceServiceSpecs.Validate(spec, Pools));
        Assert.Equal(field, e.Field);
        Assert.False(string.IsNullOrEmpty(e.Fix));
    }

    [Fact]
    public void Validate_UnknownPool_ListsKnownPools()
    {
        var e = Assert.Throws<WpaiValidationException>(() => InferenceServiceSpecs.Validate(Good() with { Pool = "H100" }, Pools));
        Assert.Contains("A10, T4", e.Fix, StringComparison.Ordinal);
    }
}
