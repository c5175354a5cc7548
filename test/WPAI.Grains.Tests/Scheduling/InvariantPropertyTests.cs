using FsCheck;
using FsCheck.Fluent;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Fires random concurrent submits, cancels, completions and passes at a small fleet, then checks the platform's
/// invariants (docs/architecture.md): no node over-committed, every job placed at most once, every running job holding exactly its one
/// allocation, department ledgers equal to their running jobs, and no pending job lost from the queues.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InvariantPropertyTests(ClusterFixture fixture)
{
    private const int JobIds = 40;

    public sealed record Op(int Kind, int Gpus, int Index);

    [Fact]
    public void Invariants_HoldUnderRandomConcurrentOperations()
    {
        var op = Gen.Choose(0, 9).SelectMany(k => Gen.Choose(1, 4), (k, g) => (k, g))
            .SelectMany(_ => Gen.Choose(0, JobIds - 1), (kg, i) => new Op(kg.k, kg.g, i));
        var ops = Gen.ArrayOf(op, 150).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5), Prop.ForAll(ops, run => RunAsync(run).GetAwaiter().GetResult()));
    }

    private async Task<bool> RunAsync(Op[] ops)
    {
        var f = new Fleet(fixture);
        var nodes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await f.AddNodeAsync("T4", $"t{i}", 4, cpuMilli: 16_000));
        }

        nodes.Add(await f.AddNodeAsync("P40", "p0", 8, cpuMilli: 16_000));
        string[] depts = ["A", "B", "C"];
        await f.SetQuotaAsync("A", ("T4", 6), ("P40", 4));
        await f.SetQuotaAsync("B", ("T4", 2), ("P40", 4));
        await f.SetQuotaAsync("C", ("T4", 0), ("P40", 0));

        var submitted = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await Task.WhenAll(ops.Select(o => ApplyAsync(f, o, depts, submitted)));

        // Quiesce: one-way messages (node pushes, job ends) land, passes settle.
        for (var i = 0; i < 3; i++)
        {
            await f.ScheduleAsync("T4", "P40");
            await Task.Delay(20);
        }

        var nodeViews = await Task.WhenAll(nodes.Select(f.NodeAsync));
        var jobs = await Task.WhenAll(submitted.Keys.Select(id => f.Grains.GetGrain<IJobGrain>(id).GetAsync()));
        var allocations = nodeViews.SelectMany(n => n.Allocations.Select(a => (Node: n.Spec.Name, Allocation: a))).ToList();

        foreach (var node in nodeViews)
        {
            var used = node.Allocations.Aggregate(Resources.None, (sum, a) => sum.Add(a.Resources));
            Assert.True(node.Spec.Capacity.Fits(used), $"{node.Spec.Name} over-committed: {used} on {node.Spec.Capacity}");
        }

        Assert.Equal(allocations.Count, allocations.Select(a => a.Allocation.OwnerId).Distinct().Count());
        var running = jobs.Where(j => j.Status == JobStatus.Running).ToDictionary(j => j.Spec.JobId);
        foreach (var (node, allocation) in allocations)
        {
            Assert.True(running.TryGetValue(allocation.OwnerId, out var job), $"{allocation.OwnerId} holds {node} but is not running");
            Assert.Equal(node, job.Placement!.Node);
            Assert.Equal(job.Placement.Resources, allocation.Resources);
        }

        Assert.Equal(running.Count, allocations.Count);

        foreach (var dept in depts)
        {
            var view = await f.Grains.GetGrain<IDepartmentGrain>(f.Dept(dept)).GetAsync();
            var expected = running.Values.Where(j => j.Spec.Department == f.Dept(dept)).Select(j => (j.Spec.JobId, j.Placement!.Resources.Gpus)).Order().ToList();
            var ledger = view.Running.Select(r => (r.JobId, r.Resources.Gpus)).Order().ToList();
            Assert.Equal(expected, ledger);
        }

        var queued = (await f.PoolViewAsync("T4")).Queue.Concat((await f.PoolViewAsync("P40")).Queue).Select(q => q.JobId).ToHashSet();
        foreach (var pending in jobs.Where(j => j.Status == JobStatus.Pending))
        {
            Assert.Contains(pending.Spec.JobId, queued);
        }

        return true;
    }

    private static async Task ApplyAsync(Fleet f, Op op, string[] depts, System.Collections.Concurrent.ConcurrentDictionary<string, bool> submitted)
    {
        var id = f.Id($"j{op.Index}");
        var job = f.Grains.GetGrain<IJobGrain>(id);
        try
        {
            switch (op.Kind)
            {
                case <= 3:
                    string[] models = op.Index % 2 == 0 ? ["T4"] : ["T4", "P40"];
                    var spec = f.Job($"j{op.Index}", depts[op.Index % depts.Length], op.Gpus, models, TimeSpan.FromHours(8_000), cpuMilli: 2_000);
                    await job.SubmitAsync(spec);
                    submitted[id] = true;
                    break;
                case <= 5:
                    await job.CancelAsync("random cancel");
                    break;
                case <= 7:
                    var view = await job.GetAsync();
                    if (view.Status == JobStatus.Running)
                    {
                        await job.CompleteAsync(view.Attempts, succeeded: op.Gpus % 2 == 0, "random completion");
                    }

                    break;
                default:
                    await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool(op.Gpus % 2 == 0 ? "T4" : "P40")).RunPassAsync();
                    break;
            }
        }
        catch (WpaiNotFoundException)
        {
            // cancelling or completing a job that was never submitted
        }
        catch (WpaiValidationException ex) when (ex.Field == "spec.jobId")
        {
            // the same id submitted again with another GPU count: refused, the first spec stands
        }
    }
}
