using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Tests.Nodes;

public sealed class NodeHandoverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static NodeAllocation Held(AllocationKind kind) => new("x", kind, new Resources(1, 0, 0), T0, [0]);

    [Theory]
    [InlineData(NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.OfflineNormal)]
    [InlineData(NodeMode.OfflineNormal, NodeMode.Unnormal, NodeMode.OnlineNormal)]
    [InlineData(NodeMode.Fixed, NodeMode.Unnormal, null)]
    [InlineData(NodeMode.OnlineNormal, NodeMode.Fixed, null)]
    public void ManualTarget_DrainsTowardsTheOtherSide(NodeMode from, NodeMode to, NodeMode? expected) =>
        Assert.Equal(expected, NodeHandover.ManualTarget(from, to));

    [Theory]
    [InlineData(NodeMode.OnlineNormal, null, NodeMode.OfflineNormal, true)]
    [InlineData(NodeMode.OfflineNormal, null, NodeMode.OnlineNormal, true)]
    [InlineData(NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OfflineNormal, true)]
    [InlineData(NodeMode.Unnormal, NodeMode.OfflineNormal, NodeMode.OfflineNormal, false)]
    public void MustBegin_AcceptsLendsReclaimsAndRetargets(NodeMode from, NodeMode? current, NodeMode target, bool expected) =>
        Assert.Equal(expected, NodeHandover.MustBegin("n1", from, current, target));

    [Theory]
    [InlineData(NodeMode.OnlineNormal, NodeMode.OnlineNormal, "mode")]
    [InlineData(NodeMode.Fixed, NodeMode.OfflineNormal, "mode")]
    [InlineData(NodeMode.OnlineNormal, NodeMode.Fixed, "target")]
    public void MustBegin_RefusesWhatIsNoHandover(NodeMode from, NodeMode target, string field) =>
        Assert.Equal(field, Assert.Throws<WpaiValidationException>(() => NodeHandover.MustBegin("n1", from, null, target)).Field);

    [Fact]
    public void CompletesTo_WaitsForTheExcludedKind_ThenGivesTheTarget()
    {
        Assert.Null(NodeHandover.CompletesTo("n1", NodeMode.Unnormal, NodeMode.OfflineNormal, [Held(AllocationKind.InferenceReplica)]));
        Assert.Equal(NodeMode.OfflineNormal, NodeHandover.CompletesTo("n1", NodeMode.Unnormal, NodeMode.OfflineNormal, [Held(AllocationKind.TrainingJob)]));
        Assert.Null(NodeHandover.CompletesTo("n1", NodeMode.Unnormal, NodeMode.OnlineNormal, [Held(AllocationKind.TrainingJob)]));
        Assert.Equal(NodeMode.OnlineNormal, NodeHandover.CompletesTo("n1", NodeMode.Unnormal, NodeMode.OnlineNormal, []));
    }

    [Fact]
    public void CompletesTo_IsNothingForACompletedHandover_AndRefusesANodeInNone()
    {
        Assert.Null(NodeHandover.CompletesTo("n1", NodeMode.OfflineNormal, null, []));
        Assert.Throws<WpaiValidationException>(() => NodeHandover.CompletesTo("n1", NodeMode.Fixed, null, []));
        Assert.Throws<WpaiValidationException>(() => NodeHandover.CompletesTo("n1", NodeMode.Unnormal, null, []));
    }

    [Fact]
    public void RequireReason_RefusesAnEmptyReason() =>
        Assert.Equal("reason", Assert.Throws<WpaiValidationException>(() => NodeHandover.RequireReason(" ")).Field);
}
