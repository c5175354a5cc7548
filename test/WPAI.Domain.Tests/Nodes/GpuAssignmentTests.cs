using System.Collections.Immutable;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Tests.Nodes;

public sealed class GpuAssignmentTests
{
    [Fact]
    public void Assign_GivesTheLowestFreeIndices()
    {
        var assigned = GpuAssignment.Assign(8, [[0, 1], [3]], 3);

        Assert.Equal([2, 4, 5], assigned!.Value.ToArray());
    }

    [Fact]
    public void Assign_Null_WhenTooFewIndicesAreFree()
    {
        Assert.Null(GpuAssignment.Assign(4, [[0, 1, 2]], 2));
    }

    [Fact]
    public void Assign_Empty_ForACpuOnlyAllocation()
    {
        Assert.Empty(GpuAssignment.Assign(0, [], 0)!.Value);
    }

    [Fact]
    public void Heal_AssignsIndicesToAllocationsWithout_KeepingRecordedOnes()
    {
        var healed = GpuAssignment.Heal(4, [("a", 2, default), ("b", 1, ImmutableArray.Create(0)), ("c", 1, default)]);

        Assert.Equal([1, 2], healed["a"].ToArray());
        Assert.Equal([3], healed["c"].ToArray());
        Assert.False(healed.ContainsKey("b"));
    }

    [Fact]
    public void Format_JoinsWithCommas_ForCudaVisibleDevices()
    {
        Assert.Equal("0,3", GpuAssignment.Format([0, 3]));
        Assert.Equal(string.Empty, GpuAssignment.Format([]));
    }
}
