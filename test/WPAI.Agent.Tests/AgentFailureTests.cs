using WPAI.Abstractions.Grains;
using WPAI.Agent.Measuring;

namespace WPAI.Agent.Tests;

/// <summary>
/// An agent killed with SIGKILL while its run goes on: after the heartbeat timeout its node is Down and the job is
/// re-queued exactly once (and runs again elsewhere); the restarted agent re-adopts the orphaned run, stops it as the
/// silo now orders, reports it, and brings its node back. No attempt runs twice.
/// </summary>
[Collection(AgentCollection.Name)]
public sealed class AgentFailureTests(AgentCluster cluster)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task KilledAgent_NodeGoesDown_JobRequeuedOnce_RestartedAgentReadoptsAndStopsTheOrphan_NothingRunsTwice()
    {
        var dept = $"research-{_id}";
        await cluster.Client.SetQuotaAsync(dept, new Dictionary<string, int> { [AgentCluster.Pool] = 4 });
        var marks = Path.Combine(cluster.Directory, $"marks-{_id}");

        // Each attempt appends its number once; the first runs until stopped, later ones end at once.
        var spec = new JobSpec($"long-{_id}", dept, [AgentCluster.Pool], 2, 500, 256, TimeSpan.FromMinutes(10),
            Command: ["sh", "-c", $"echo \"$WPAI_ATTEMPT\" >> {marks}; if [ \"$WPAI_ATTEMPT\" -gt 1 ]; then exit 0; fi; while :; do sleep 0.1; done"],
            GracePeriod: TimeSpan.FromSeconds(2));
        await cluster.Client.SubmitJobAsync(spec);
        var running = await cluster.WaitJobAsync(spec.JobId, j => j.Status == JobStatus.Running && j.Runs.Any(r => r.Pid is not null), "runs");
        var first = running.Runs.Single();
        var node = first.Node;
        var orphan = first.Pid!.Value;

        cluster.Agent(node).Kill();

        var down = await cluster.WaitForAsync(() => cluster.Client.GetNodeAsync(node), n => n.Mode == NodeMode.Down, $"node {node} Down after the heartbeat timeout");
        var requeued = await cluster.WaitJobAsync(spec.JobId, j => j.Status == JobStatus.Succeeded, "is re-queued and succeeds on the other node");
        Assert.Single(requeued.History, e => e.Kind == "lost");
        Assert.Equal(2, requeued.Attempts);
        Assert.NotEqual(node, requeued.Runs.Single(r => r.Attempt == 2).Node);
        Assert.Contains("lost", requeued.Runs.Single(r => r.Attempt == 1).End, StringComparison.Ordinal);
        Assert.NotNull(ProcessTable.Read(orphan)); // the orphan outlived its agent (its own session)

        cluster.StartAgent(node, AgentCluster.Pool, gpus: 2);

        await cluster.WaitForAsync(() => cluster.Client.GetNodeAsync(node), n => n.Mode == NodeMode.Fixed, $"node {node} back after its agent reconnects");
        await cluster.WaitForAsync(() => Task.FromResult(ProcessTable.Read(orphan) is null), gone => gone, "the re-adopted orphan stopped (SIGTERM, then SIGKILL after its grace)");
        var after = await cluster.WaitJobAsync(spec.JobId, j => j.Runs.Single(r => r.Attempt == 1).Signal is not null, "records how the orphan ended");
        var agentView = await cluster.WaitForAsync(() => cluster.Grains.GetGrain<INodeAgentGrain>(node).GetAsync(), v => v.Orders.IsEmpty, "the stop order acknowledged");

        Assert.Equal(JobStatus.Succeeded, after.Status);
        Assert.Equal(2, after.Attempts);
        Assert.Single(after.History, e => e.Kind == "lost"); // counted once, not again when the agent reported it
        Assert.Empty(agentView.Orders);
        Assert.Equal(["1", "2"], File.ReadAllLines(marks)); // each attempt started exactly once
    }
}
