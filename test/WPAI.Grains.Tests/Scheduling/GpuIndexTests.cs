using FsCheck;
using FsCheck.Fluent;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Concrete GPU indices: every allocation holds as many indices as GPUs, no index is held twice on a node, indices
/// are below the node's GPU count, and a release frees them for the next allocation — under concurrent reserve/release.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GpuIndexTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    private static ReservationRequest Training(string owner, int gpus) =>
        new(owner, AllocationKind.TrainingJob, new Resources(gpus, 100, 100), [NodeMode.Fixed]);

    [Fact]
    public async Task TryReserve_AssignsLowestFreeIndices_AndReleaseFreesThem()
    {
        var node = _fleet.Grains.GetGrain<INodeGrain>(await _fleet.AddNodeAsync("G", "n", 4));

        var a = await node.TryReserveAsync(Training("a", 2));
        var b = await node.TryReserveAsync(Training("b", 1));
        await node.ReleaseAsync("a");
        var c = await node.TryReserveAsync(Training("c", 3));
        var again = await node.TryReserveAsync(Training("b", 1));

        Assert.Equal([0, 1], a.GpuIndices.ToArray());
        Assert.Equal([2], b.GpuIndices.ToArray());
        Assert.Equal([0, 1, 3], c.GpuIndices.ToArray());
        Assert.Equal([2], again.GpuIndices.ToArray());
        var view = await node.GetAsync();
        Assert.Equal([0, 1, 2, 3], view.Allocations.SelectMany(x => x.GpuIndices).Order().ToArray());
    }

    public sealed record Op(bool Reserve, int Owner, int Gpus);

    [Fact]
    public void Indices_StayUniqueAndMatchCounts_UnderConcurrentReserveAndRelease()
    {
        var op = Gen.Choose(0, 2).SelectMany(k => Gen.Choose(0, 9), (k, o) => (k, o))
            .SelectMany(_ => Gen.Choose(0, 3), (ko, g) => new Op(ko.k != 0, ko.o, g));
        var ops = Gen.ArrayOf(op, 60).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5), Prop.ForAll(ops, run => RunAsync(run).GetAwaiter().GetResult()));
    }

    private async Task<bool> RunAsync(Op[] ops)
    {
        var node = _fleet.Grains.GetGrain<INodeGrain>(await _fleet.AddNodeAsync("G", "p-" + Guid.NewGuid().ToString("N")[..6], 6));
        await Task.WhenAll(ops.Select(o => o.Reserve ? node.TryReserveAsync(Training($"o{o.Owner}", o.Gpus)) : (Task)node.ReleaseAsync($"o{o.Owner}")));

        var view = await node.GetAsync();
        var indices = view.Allocations.SelectMany(a => a.GpuIndices).ToList();
        Assert.Equal(indices.Count, indices.Distinct().Count());
        Assert.All(indices, i => Assert.InRange(i, 0, view.Spec.Gpus - 1));
        Assert.All(view.Allocations, a => Assert.Equal(a.Resources.Gpus, a.GpuIndices.Length));
        Assert.True(view.Spec.Gpus >= view.Allocations.Sum(a => a.Resources.Gpus));
        return true;
    }
}
