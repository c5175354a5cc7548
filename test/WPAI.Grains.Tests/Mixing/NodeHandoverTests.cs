namespace WPAI.Grains.Tests.Mixing;

/// <summary>
/// The node's handover state machine and its admission invariants: nothing new lands on an Unnormal or Down node,
/// a node never both serves replicas and trains, every transition is recorded with time, reason and target.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeHandoverTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    private static readonly Resources One = new(1, 1_000, 1_000);

    private static ReservationRequest Training(string owner, params NodeMode[] modes) =>
        new(owner, AllocationKind.TrainingJob, One, [.. modes.Length == 0 ? Enum.GetValues<NodeMode>() : modes]);

    private static ReservationRequest Replica(string owner, params NodeMode[] modes) =>
        new(owner, AllocationKind.InferenceReplica, One, [.. modes.Length == 0 ? Enum.GetValues<NodeMode>() : modes]);

    private async Task<INodeGrain> NodeAsync(NodeMode mode)
    {
        var name = await _fleet.AddNodeAsync("H", "n-" + Guid.NewGuid().ToString("N")[..6], 4, mode: mode);
        return _fleet.Grains.GetGrain<INodeGrain>(name);
    }

    [Fact]
    public async Task BeginAndComplete_LendAndReclaim_RecordEveryTransitionWithTargetReasonAndTime()
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        var t0 = fixture.Clock.GetUtcNow();

        var draining = await node.BeginHandoverAsync(NodeMode.OfflineNormal, "usage low");
        Assert.Equal(NodeMode.Unnormal, draining.Mode);
        Assert.Equal(NodeMode.OfflineNormal, draining.TargetMode);
        var lent = await node.CompleteHandoverAsync("replicas moved");
        Assert.Equal(NodeMode.OfflineNormal, lent.Mode);
        Assert.Null(lent.TargetMode);
        await node.BeginHandoverAsync(NodeMode.OnlineNormal, "usage high");
        var back = await node.CompleteHandoverAsync("jobs killed");
        Assert.Equal(NodeMode.OnlineNormal, back.Mode);

        Assert.Equal(
            [
                (NodeMode.OnlineNormal, NodeMode.OnlineNormal, (NodeMode?)null, "registered"),
                (NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.OfflineNormal, "usage low"),
                (NodeMode.Unnormal, NodeMode.OfflineNormal, null, "replicas moved"),
                (NodeMode.OfflineNormal, NodeMode.Unnormal, NodeMode.OnlineNormal, "usage high"),
                (NodeMode.Unnormal, NodeMode.OnlineNormal, null, "jobs killed"),
            ],
            back.Transitions.Select(t => (t.From, t.To, t.Target, t.Reason)));
        Assert.All(back.Transitions, t => Assert.True(t.At >= t0));
    }

    [Theory]
    [InlineData(NodeMode.Fixed, NodeMode.OnlineNormal)]
    [InlineData(NodeMode.Fixed, NodeMode.OfflineNormal)]
    [InlineData(NodeMode.Down, NodeMode.OnlineNormal)]
    [InlineData(NodeMode.OnlineNormal, NodeMode.OnlineNormal)]
    [InlineData(NodeMode.OfflineNormal, NodeMode.OfflineNormal)]
    public async Task BeginHandover_FromAModeWithoutThatHandover_IsRejectedAndChangesNothing(NodeMode mode, NodeMode target)
    {
        var node = await NodeAsync(mode);
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => node.BeginHandoverAsync(target, "try"));
        Assert.Equal("mode", e.Field);
        Assert.Contains($"from {mode} to {target}", e.Message, StringComparison.Ordinal);
        var view = await node.GetAsync();
        Assert.Equal(mode, view.Mode);
        Assert.Single(view.Transitions);
    }

    [Theory]
    [InlineData(NodeMode.Fixed)]
    [InlineData(NodeMode.Down)]
    [InlineData(NodeMode.Unnormal)]
    public async Task BeginHandover_TargetOtherThanOnlineOrOffline_IsRejected(NodeMode target)
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => node.BeginHandoverAsync(target, "try"));
        Assert.Equal("target", e.Field);
    }

    [Fact]
    public async Task BeginHandover_OnAnUnnormalNode_ReTargetsIt_AndIsIdempotentForTheSameTarget()
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        await node.BeginHandoverAsync(NodeMode.OfflineNormal, "lend");
        var same = await node.BeginHandoverAsync(NodeMode.OfflineNormal, "lend again");
        Assert.Equal(2, same.Transitions.Length);
        var aborted = await node.BeginHandoverAsync(NodeMode.OnlineNormal, "abort");
        Assert.Equal(NodeMode.OnlineNormal, aborted.TargetMode);
        Assert.Equal(NodeMode.OnlineNormal, (await node.CompleteHandoverAsync("aborted")).Mode);
    }

    [Fact]
    public async Task CompleteHandover_WaitsUntilTheOtherKindHasLeft()
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        Assert.True((await node.TryReserveAsync(Replica("svc/replica-0", NodeMode.OnlineNormal))).Reserved);
        await node.BeginHandoverAsync(NodeMode.OfflineNormal, "lend");
        var still = await node.CompleteHandoverAsync("too early");
        Assert.Equal(NodeMode.Unnormal, still.Mode);
        await node.ReleaseAsync("svc/replica-0");
        Assert.Equal(NodeMode.OfflineNormal, (await node.CompleteHandoverAsync("moved")).Mode);

        Assert.True((await node.TryReserveAsync(Training("job-1", NodeMode.OfflineNormal))).Reserved);
        await node.BeginHandoverAsync(NodeMode.OnlineNormal, "reclaim");
        Assert.Equal(NodeMode.Unnormal, (await node.CompleteHandoverAsync("too early")).Mode);
        await node.ReleaseAsync("job-1");
        Assert.Equal(NodeMode.OnlineNormal, (await node.CompleteHandoverAsync("killed")).Mode);
        Assert.Equal(NodeMode.OnlineNormal, (await node.CompleteHandoverAsync("retried")).Mode); // idempotent
    }

    [Fact]
    public async Task CompleteHandover_OnANodeInNoHandover_IsRejected()
    {
        var node = await NodeAsync(NodeMode.Fixed);
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => node.CompleteHandoverAsync("nothing to complete"));
        Assert.Equal("mode", e.Field);
    }

    [Fact]
    public async Task TryReserve_UnnormalOrDownNode_AdmitsNothing_EvenWhenTheCallerAllowsIt()
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        await node.BeginHandoverAsync(NodeMode.OfflineNormal, "lend");
        var refused = await node.TryReserveAsync(Training("j"));
        Assert.False(refused.Reserved);
        Assert.Contains("Unnormal", refused.Reason, StringComparison.Ordinal);
        Assert.False((await node.TryReserveAsync(Replica("svc/replica-1"))).Reserved);

        await node.ChangeModeAsync(NodeMode.Down, "maintenance");
        Assert.False((await node.TryReserveAsync(Training("j"))).Reserved);
        Assert.Empty((await node.GetAsync()).Allocations);
    }

    [Fact]
    public async Task TryReserve_NeverMixesTrainingAndReplicasOnOneNode()
    {
        // A node serving a replica is switched to Fixed by hand: training is still refused until the replica leaves.
        var node = await NodeAsync(NodeMode.OnlineNormal);
        Assert.True((await node.TryReserveAsync(Replica("svc/replica-0", NodeMode.OnlineNormal))).Reserved);
        await node.ChangeModeAsync(NodeMode.Fixed, "admin");
        var refused = await node.TryReserveAsync(Training("j", NodeMode.Fixed));
        Assert.False(refused.Reserved);
        Assert.Contains("never mixes", refused.Reason, StringComparison.Ordinal);
        await node.ReleaseAsync("svc/replica-0");
        Assert.True((await node.TryReserveAsync(Training("j", NodeMode.Fixed))).Reserved);

        // And the other way round: a training node switched online takes no replica while the job runs.
        await node.ChangeModeAsync(NodeMode.OnlineNormal, "admin");
        Assert.False((await node.TryReserveAsync(Replica("svc/replica-1", NodeMode.OnlineNormal))).Reserved);
        var view = await node.GetAsync();
        Assert.Equal(["j"], view.Allocations.Select(a => a.OwnerId));
    }

    [Fact]
    public async Task ChangeMode_ToUnnormalByHand_RecordsTheTargetOnTheOtherSide()
    {
        var node = await NodeAsync(NodeMode.OnlineNormal);
        var view = await node.ChangeModeAsync(NodeMode.Unnormal, "drain");
        Assert.Equal(NodeMode.OfflineNormal, view.TargetMode);
        Assert.Equal(NodeMode.OfflineNormal, view.Transitions[^1].Target);
    }

    /// <summary>
    /// Random operations on one node (reserve either kind in any mode, release, begin/complete handovers, admin mode
    /// changes): after each, the node never holds both kinds, and an Unnormal or Down node admitted nothing.
    /// </summary>
    [Fact]
    public async Task RandomOperations_KeepTheModeInvariants()
    {
        var random = new Random(7);
        var node = await NodeAsync(NodeMode.OnlineNormal);
        var owners = new List<string>();
        for (var step = 0; step < 300; step++)
        {
            var before = await node.GetAsync();
            var op = random.Next(6);
            try
            {
                switch (op)
                {
                    case 0:
                        owners.Add($"job-{step}");
                        await node.TryReserveAsync(Training($"job-{step}"));
                        break;
                    case 1:
                        owners.Add($"svc/replica-{step}");
                        await node.TryReserveAsync(Replica($"svc/replica-{step}"));
                        break;
                    case 2 when owners.Count > 0:
                        await node.ReleaseAsync(owners[random.Next(owners.Count)]);
                        break;
                    case 3:
                        await node.BeginHandoverAsync(random.Next(2) == 0 ? NodeMode.OnlineNormal : NodeMode.OfflineNormal, "random");
                        break;
                    case 4:
                        await node.CompleteHandoverAsync("random");
                        break;
                    default:
                        await node.ChangeModeAsync(Enum.GetValues<NodeMode>()[random.Next(5)], "random");
                        break;
                }
            }
            catch (WpaiValidationException)
            {
                // illegal moves are rejected; the invariants must hold all the same
            }

            var after = await node.GetAsync();
            Assert.False(
                after.Allocations.Any(a => a.Kind == AllocationKind.TrainingJob) && after.Allocations.Any(a => a.Kind == AllocationKind.InferenceReplica),
                $"step {step}: training and replicas on one node");
            if (before.Mode is NodeMode.Unnormal or NodeMode.Down)
            {
                Assert.True(after.Allocations.Length <= before.Allocations.Length, $"step {step}: admitted work while {before.Mode}");
            }

            Assert.True(after.Free.IsNonNegative);
            Assert.True(after.Mode != NodeMode.Unnormal || after.TargetMode is not null, $"step {step}: Unnormal without a target");
        }
    }
}
