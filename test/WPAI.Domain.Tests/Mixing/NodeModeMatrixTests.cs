using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>Every pair of node modes against the node mode state machine (docs/architecture.md).</summary>
public sealed class NodeModeMatrixTests
{
    private static readonly HashSet<(NodeMode, NodeMode)> Expected =
    [
        (NodeMode.OnlineNormal, NodeMode.Unnormal),
        (NodeMode.Unnormal, NodeMode.OfflineNormal),
        (NodeMode.OfflineNormal, NodeMode.Unnormal),
        (NodeMode.Unnormal, NodeMode.OnlineNormal),
        (NodeMode.OnlineNormal, NodeMode.Fixed),
        (NodeMode.OfflineNormal, NodeMode.Fixed),
        (NodeMode.Fixed, NodeMode.OnlineNormal),
        (NodeMode.Fixed, NodeMode.OfflineNormal),
        (NodeMode.OnlineNormal, NodeMode.Down),
        (NodeMode.OfflineNormal, NodeMode.Down),
        (NodeMode.Unnormal, NodeMode.Down),
        (NodeMode.Fixed, NodeMode.Down),
        (NodeMode.Down, NodeMode.Fixed),
        (NodeMode.Down, NodeMode.OnlineNormal),
        (NodeMode.Down, NodeMode.OfflineNormal),
    ];

    public static TheoryData<NodeMode, NodeMode> AllPairs()
    {
        var data = new TheoryData<NodeMode, NodeMode>();
        foreach (var from in Enum.GetValues<NodeMode>())
        {
            foreach (var to in Enum.GetValues<NodeMode>())
            {
                if (from != to)
                {
                    data.Add(from, to);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void EnsureLegal_AcceptsExactlyTheLegalTransitions_AndNamesTheLegalTargetsOtherwise(NodeMode from, NodeMode to)
    {
        Assert.Equal(Expected.Contains((from, to)), NodeModes.IsLegal(from, to));
        if (Expected.Contains((from, to)))
        {
            NodeModes.EnsureLegal("n", from, to);
            return;
        }

        var e = Assert.Throws<WpaiValidationException>(() => NodeModes.EnsureLegal("n", from, to));
        Assert.Equal("mode", e.Field);
        Assert.Contains($"from {from} to {to}", e.Message, StringComparison.Ordinal);
        foreach (var legal in Expected.Where(t => t.Item1 == from))
        {
            Assert.Contains(legal.Item2.ToString(), e.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OnlineAndOfflineNeverSwitchDirectly_ButAlwaysThroughUnnormal()
    {
        Assert.False(NodeModes.IsLegal(NodeMode.OnlineNormal, NodeMode.OfflineNormal));
        Assert.False(NodeModes.IsLegal(NodeMode.OfflineNormal, NodeMode.OnlineNormal));
        Assert.DoesNotContain(NodeMode.Unnormal, NodeModes.TrainingModes(false));
        Assert.DoesNotContain(NodeMode.Unnormal, NodeModes.TrainingModes(true));
        Assert.DoesNotContain(NodeMode.Unnormal, NodeModes.InferenceModes);
        Assert.DoesNotContain(NodeMode.Down, NodeModes.TrainingModes(false));
        Assert.DoesNotContain(NodeMode.Down, NodeModes.InferenceModes);
    }
}
