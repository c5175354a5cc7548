using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Grains.Agents;

/// <summary>
/// The silo's side of one node agent. Why a persisted desired-run list pulled by the agent (and not a grain observer
/// or a stream): an order is written before the driver call returns, so a silo failover cannot lose it; the agent
/// pulls the whole list after any reconnect, so a missed push cannot lose it either; an order leaves the list only when
/// the agent reports the run's end, and the agent records every start in its local state file before it starts, so a
/// start is never repeated. Observers are kept for what may fail harmlessly: reading logs. This grain's calls to job
/// grains are one-way (a job awaits this grain when it orders a start or stop, so awaiting a job here could deadlock).
/// </summary>
[GrainType("wpai-node-agent")]
public sealed partial class NodeAgentGrain(
    [PersistentState("node-agent", WpaiCluster.StorageProvider)] IPersistentState<NodeAgentState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<NodeAgentOptions> options,
    ILogger<NodeAgentGrain> logger) : Grain, INodeAgentGrain
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IAgentLogReader? _logs;
    private DateTimeOffset _lastSeen;

    private NodeAgentState S => state.State;

    private string Node => this.GetPrimaryKeyString();

    /// <summary>
    /// An agent gets a whole heartbeat timeout after this grain (re)activates — after a silo failover its agent needs
    /// time to reconnect. The check timer keeps the grain active so that a silent agent is noticed.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastSeen = clock.GetUtcNow();
        var period = options.Value.CheckPeriod;
        this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public async Task<NodeView> ConnectAsync(NodeSpec spec, NodeMode mode, string agentId, IAgentLogReader logs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var node = GrainFactory.GetGrain<INodeGrain>(Node);
        var view = await node.RegisterAsync(spec, mode);
        _lastSeen = clock.GetUtcNow();
        _logs = logs;
        if (S.Down)
        {
            var back = S.ModeBeforeDown == NodeMode.Unnormal ? mode : S.ModeBeforeDown;
            view = await node.ChangeModeAsync(back, $"node agent {agentId} is back");
            S.Down = false;
        }

        if (!string.Equals(S.AgentId, agentId, StringComparison.Ordinal))
        {
            LogConnected(logger, Node, agentId, S.AgentId);
            S.AgentId = agentId;
        }

        await state.WriteStateAsync();
        await ReportLostAsync();
        return view;
    }

    public async Task<AgentWork> PollAsync(string agentId, long knownVersion, TimeSpan wait)
    {
        _lastSeen = clock.GetUtcNow();
        if (S.Version == knownVersion && wait > TimeSpan.Zero)
        {
            var limit = wait < options.Value.MaxPollWait ? wait : options.Value.MaxPollWait;
            await Task.WhenAny(_changed.Task, Task.Delay(limit));
        }

        return Work();
    }

    public async Task ReportAsync(AgentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _lastSeen = clock.GetUtcNow();
        foreach (var started in report.Started.IsDefault ? [] : report.Started)
        {
            await RunOwners.StartedAsync(GrainFactory, started);
        }

        foreach (var usage in report.Usage.IsDefault ? [] : report.Usage)
        {
            if (S.Orders.TryGetValue(Key(usage.JobId, usage.Attempt), out var order) && !order.Stop && !usage.Samples.IsDefaultOrEmpty)
            {
                await RunOwners.UsageAsync(GrainFactory, usage);
            }
        }

        await RunOwners.ProbedAsync(GrainFactory, report.Replicas);
        var changed = false;
        foreach (var end in report.Ended.IsDefault ? [] : report.Ended)
        {
            // Every call to a job is one-way: the job may be awaiting this grain (a stop order); it ignores a repeat.
            await RunOwners.EndedAsync(GrainFactory, end);
            changed |= S.Orders.Remove(Key(end.JobId, end.Attempt));
            LogRunEnded(logger, Node, end.JobId, end.Attempt, end.Detail);
        }

        if (changed)
        {
            await WriteAndSignalAsync();
        }
    }

    public async Task OrderStartAsync(JobSpec spec, Placement placement)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(placement);
        var key = Key(spec.JobId, placement.Attempt);
        if (S.Orders.ContainsKey(key))
        {
            return;
        }

        // The node's allocation is the source of truth for the GPU indices the run may use.
        var node = await GrainFactory.GetGrain<INodeGrain>(Node).GetAsync();
        var indices = node.Allocations.FirstOrDefault(a => string.Equals(a.OwnerId, spec.JobId, StringComparison.Ordinal))?.GpuIndices ?? [];
        S.Orders[key] = new RunOrder(spec.JobId, placement.Attempt, spec, indices.IsDefault ? [] : indices, clock.GetUtcNow());
        LogOrdered(logger, Node, spec.JobId, placement.Attempt);
        await WriteAndSignalAsync();
    }

    public async Task OrderStopAsync(string jobId, int attempt, string reason)
    {
        var key = Key(jobId, attempt);
        if (!S.Orders.TryGetValue(key, out var order) || order.Stop)
        {
            return;
        }

        S.Orders[key] = order with { StopReason = string.IsNullOrWhiteSpace(reason) ? "stopped" : reason };
        await WriteAndSignalAsync();
    }

    public async Task<LogChunk> ReadLogAsync(string jobId, int attempt, long offset, int maxBytes)
    {
        if (_logs is not { } logs)
        {
            throw new WpaiNotFoundException($"the node agent of {Node} is not connected to this cluster, so the log of {jobId} attempt {attempt} (kept on that node) cannot be read now; start the agent (wpai agent --node {Node} …) and try again");
        }

        return await logs.ReadLogAsync(jobId, attempt, offset, maxBytes);
    }

    public Task<AgentView> GetAsync()
    {
        var connected = _logs is not null && clock.GetUtcNow() - _lastSeen <= options.Value.HeartbeatTimeout;
        return Task.FromResult(new AgentView(Node, S.AgentId, S.AgentId is null ? null : _lastSeen, S.Down, connected, Work().Runs));
    }

    /// <summary>
    /// A silent agent: its node goes Down and each of its runs is re-queued once (recorded as lost before any job is
    /// told, so a crash in between tells the rest on the next check). Its orders turn into stops, so an agent that comes
    /// back stops what it still runs.
    /// </summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        await ReportLostAsync();
        var now = clock.GetUtcNow();
        var silent = now - _lastSeen;
        if (S.AgentId is null || S.Down || silent <= options.Value.HeartbeatTimeout)
        {
            return;
        }

        var node = GrainFactory.GetGrain<INodeGrain>(Node);
        var before = (await node.GetAsync()).Mode;
        var reason = $"node agent silent for {silent.TotalSeconds:0}s (timeout {options.Value.HeartbeatTimeout.TotalSeconds:0}s)";
        S.Down = true;
        S.ModeBeforeDown = before == NodeMode.Down ? S.ModeBeforeDown : before;
        foreach (var (key, order) in S.Orders.Where(o => !o.Value.Stop).ToList())
        {
            S.Orders[key] = order with { StopReason = "node down: " + reason };
            S.LostToReport.Add(new RunEnd(order.JobId, order.Attempt, null, null, Stopped: false, Lost: true, $"node {Node} down: {reason}", now));
        }

        await WriteAndSignalAsync();
        LogDown(logger, Node, silent.TotalSeconds, S.LostToReport.Count);
        await node.ChangeModeAsync(NodeMode.Down, reason);
        await ReportLostAsync();
    }

    private async Task ReportLostAsync()
    {
        while (S.LostToReport.Count > 0)
        {
            var lost = S.LostToReport[0];
            await RunOwners.EndedAsync(GrainFactory, lost);
            S.LostToReport.RemoveAt(0);
            await state.WriteStateAsync();
        }
    }

    private async Task WriteAndSignalAsync()
    {
        S.Version++;
        await state.WriteStateAsync();
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private AgentWork Work() =>
        new(S.Version, [.. S.Orders.Values.OrderBy(o => o.OrderedAt).ThenBy(o => o.JobId, StringComparer.Ordinal).ThenBy(o => o.Attempt)]);

    private static string Key(string jobId, int attempt) => $"{jobId}/{attempt}";
}
