using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Grains.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>
/// Crash safety on a SQLite-backed silo: the silo stops right after a node went Unnormal (before the replicas moved or
/// the jobs were killed). The new silo finds the node consistent (Unnormal with its target, admitting nothing) and the
/// controller's next tick completes the handover; a configured controller is woken at start-up and ticks by itself.
/// </summary>
public sealed class MixingRestartTests : IDisposable
{
    private readonly SqliteRestartableSilo _silo = new("mixing", silo => silo.Services.AddWpaiInference(o => o.EvaluationPeriod = TimeSpan.Zero));

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Restart_AfterReclaimBegan_NodeStaysDraining_AndTheTickAfterTheGraceKillsTheJobAndCompletes()
    {
        MixingPool pool;
        string job;
        var first = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(first.Client);
            var (a, _) = await pool.TwoNodesAsync();
            await pool.Controller.ConfigureAsync(MixingPool.Settings);
            await pool.Controller.TickAsync(); // lends a
            job = await pool.SubmitAsync("victim", 2, TimeSpan.FromHours(5));
            Assert.Equal(a, (await pool.JobAsync(job)).Placement?.Node);

            // The controller decided to reclaim a and the silo died right after the node went Unnormal.
            await pool.Node("a").BeginHandoverAsync(NodeMode.OnlineNormal, "usage high (the silo stops here)");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        _silo.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(second.Client, pool);
            var node = await pool.Node("a").GetAsync();
            Assert.Equal((NodeMode.Unnormal, NodeMode.OnlineNormal), (node.Mode, node.TargetMode));
            Assert.Equal([job], node.Allocations.Select(x => x.OwnerId));
            Assert.Equal(JobStatus.Running, (await pool.JobAsync(job)).Status);

            // Nothing new lands on the draining node.
            var other = await pool.SubmitAsync("newcomer", 1, TimeSpan.FromHours(1));
            Assert.Equal(JobStatus.Pending, (await pool.JobAsync(other)).Status);

            // Within the grace the resumed reclaim only drains; once it is over the job is killed and the node completes.
            Assert.DoesNotContain(await pool.Controller.TickAsync(), d => d.To == NodeMode.OnlineNormal);
            Assert.Equal(JobStatus.Running, (await pool.JobAsync(job)).Status);
            _silo.Clock.Advance(TimeSpan.FromMinutes(25));
            var decisions = await pool.Controller.TickAsync();
            var done = Assert.Single(decisions, d => d.To == NodeMode.OnlineNormal);
            Assert.Equal([job], done.KilledJobs.ToArray());
            Assert.Contains("grace", done.Reason, StringComparison.Ordinal);
            node = await pool.Node("a").GetAsync();
            Assert.Equal(NodeMode.OnlineNormal, node.Mode);
            Assert.DoesNotContain(node.Allocations, x => x.Kind == AllocationKind.TrainingJob);
            var killed = await pool.JobAsync(job);
            Assert.Equal((JobStatus.Pending, 2), (killed.Status, killed.Attempts));
            var view = await pool.Controller.GetAsync();
            Assert.Equal((1L, 1L), (view.Reclaimed, view.Kills)); // (the same tick may lend another node: the dwell is over)
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_AfterLendBegan_ReplicaStillServes_AndTheNextTickMovesItAndLends()
    {
        MixingPool pool;
        string b;
        var first = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(first.Client);
            (_, b) = await pool.TwoNodesAsync();
            await pool.Controller.ConfigureAsync(MixingPool.Settings);
            await pool.Node("a").BeginHandoverAsync(NodeMode.OfflineNormal, "usage low (the silo stops here)");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(second.Client, pool);
            var node = await pool.Node("a").GetAsync();
            Assert.Equal((NodeMode.Unnormal, NodeMode.OfflineNormal), (node.Mode, node.TargetMode));
            Assert.Single(node.Allocations, x => x.Kind == AllocationKind.InferenceReplica);
            var job = await pool.SubmitAsync("early", 1, TimeSpan.FromHours(1));
            Assert.Equal(JobStatus.Pending, (await pool.JobAsync(job)).Status);

            var decisions = await pool.Controller.TickAsync();
            var done = Assert.Single(decisions, d => d.To == NodeMode.OfflineNormal);
            Assert.Single(done.MovedReplicas);
            Assert.Equal([b], (await pool.Service.GetAsync()).Replicas.Select(r => r.Node));
            Assert.Equal(NodeMode.OfflineNormal, (await pool.Node("a").GetAsync()).Mode);

            await pool.Scheduler.RunPassAsync();
            Assert.Equal(JobStatus.Running, (await pool.JobAsync(job)).Status);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_ConfiguredControllerIsWokenAtStartup_AndTicksOnItsTimer()
    {
        MixingPool pool;
        var first = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(first.Client);
            await pool.AddNodeAsync("a", 4, NodeMode.Fixed);
            await pool.Controller.ConfigureAsync(MixingPool.Settings with { TickInterval = TimeSpan.FromSeconds(1), MinDwell = TimeSpan.Zero });
            await Fleet.EventuallyAsync(async () => (await pool.Controller.GetAsync()).LastTick is not null, "the timer ticks");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await _silo.StartAsync();
        try
        {
            pool = new MixingPool(second.Client, pool);

            // Only the node is touched: it comes online with no inference demand, and the controller (which nobody
            // calls) lends it on its own timer.
            await pool.Node("a").ChangeModeAsync(NodeMode.OnlineNormal, "joins inference");
            await Fleet.EventuallyAsync(async () => (await pool.Node("a").GetAsync()).Mode == NodeMode.OfflineNormal, "the woken controller lends the idle node");
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }
}
