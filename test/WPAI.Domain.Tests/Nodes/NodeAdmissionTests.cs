using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Tests.Nodes;

public sealed class NodeAdmissionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly NodeSpec Spec = new("n1", "T4", 4, 16_000, 65_536);

    private static ReservationRequest Training(string owner, int gpus, params NodeMode[] modes) =>
        new(owner, AllocationKind.TrainingJob, new Resources(gpus, 1000, 1024), modes.Length == 0 ? [NodeMode.Fixed, NodeMode.OfflineNormal] : [.. modes]);

    private static NodeAllocation Held(string owner, int gpus, AllocationKind kind, params int[] indices) =>
        new(owner, kind, new Resources(gpus, 1000, 1024), T0, [.. indices]);

    [Fact]
    public void Decide_AdmitsWithTheLowestFreeIndices_WhenItFits()
    {
        var (allocation, refusal) = NodeAdmission.Decide(Spec, NodeMode.Fixed, null, false, [Held("a", 1, AllocationKind.TrainingJob, 1)], Training("b", 2), T0);

        Assert.Null(refusal);
        Assert.NotNull(allocation);
        Assert.Equal([0, 2], allocation.GpuIndices.ToArray());
        Assert.Equal(("b", T0), (allocation.OwnerId, allocation.Since));
    }

    [Fact]
    public void Decide_RefusesWhatDoesNotFit_NamingFreeAndNeeded()
    {
        var (allocation, refusal) = NodeAdmission.Decide(Spec, NodeMode.Fixed, null, false, [Held("a", 3, AllocationKind.TrainingJob, 0, 1, 2)], Training("b", 2), T0);

        Assert.Null(allocation);
        Assert.Equal($"node n1 has {new Resources(1, 15_000, 64_512)} free, needs {new Resources(2, 1000, 1024)}", refusal);
    }

    [Theory]
    [InlineData(NodeMode.Unnormal, "node n1 is Unnormal (draining towards OnlineNormal)")]
    [InlineData(NodeMode.Down, "node n1 is Down")]
    [InlineData(NodeMode.OnlineNormal, "node n1 is OnlineNormal")]
    public void Decide_RefusesModesThatDoNotAdmitTheWork(NodeMode mode, string expected)
    {
        var (allocation, refusal) = NodeAdmission.Decide(Spec, mode, NodeMode.OnlineNormal, false, [], Training("b", 1), T0);

        Assert.Null(allocation);
        Assert.Equal(expected, refusal);
    }

    [Fact]
    public void Decide_RefusesACordonedNode_AndNeverMixesTrainingAndInference()
    {
        Assert.Equal("node n1 is cordoned", NodeAdmission.Decide(Spec, NodeMode.Fixed, null, true, [], Training("b", 1), T0).Refusal);
        var replica = new ReservationRequest("svc/replica-1", AllocationKind.InferenceReplica, new Resources(1, 0, 0), [NodeMode.Fixed]);
        Assert.Equal(
            "node n1 holds training job a; it never mixes training and inference",
            NodeAdmission.Decide(Spec, NodeMode.Fixed, null, false, [Held("a", 1, AllocationKind.TrainingJob, 0)], replica, T0).Refusal);
    }

    [Fact]
    public void Decide_RejectsANegativeRequest_AsBadInput()
    {
        var request = Training("b", 1) with { Resources = new Resources(-1, 0, 0) };
        var error = Assert.Throws<WpaiValidationException>(() => NodeAdmission.Decide(Spec, NodeMode.Fixed, null, false, [], request, T0));
        Assert.Equal("request.resources", error.Field);
    }

    [Fact]
    public void Free_IsCapacityLessWhatIsHeld()
    {
        Assert.Equal(new Resources(1, 14_000, 63_488), NodeAdmission.Free(Spec, [Held("a", 1, AllocationKind.TrainingJob, 0), Held("b", 2, AllocationKind.TrainingJob, 1, 2)]));
    }

    [Theory]
    [InlineData(NodeMode.Fixed, true, NodeMode.Unnormal)]
    [InlineData(NodeMode.Down, true, NodeMode.Down)]
    [InlineData(NodeMode.OnlineNormal, false, NodeMode.OnlineNormal)]
    public void SchedulerMode_ShowsACordonedNodeAsAdmittingNothing(NodeMode mode, bool cordoned, NodeMode expected) =>
        Assert.Equal(expected, NodeAdmission.SchedulerMode(mode, cordoned));
}
