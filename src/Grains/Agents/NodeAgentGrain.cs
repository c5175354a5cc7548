using WPAI.Abstractions.Contracts.Agent;
using WPAI.Domain.Agents;
using WPAI.Grains.Common;

namespace WPAI.Grains.Agents;

/// <summary>
/// The silo's side of one node agent: a persisted desired-run list that the agent pulls (not an observer or a stream),
/// so neither a silo failover nor a missed push loses an order; an order leaves only when the agent reports the run's
/// end, and the agent records each start locally before it starts, so none repeats (rules: <see cref="AgentOrderBook"/>;
/// the Down rule: <see cref="AgentLiveness"/>). Observers only read logs. Calls to jobs are one-way (a job awaits this
/// grain when it orders a start or stop). The heartbeat check is a <see cref="DurableWakeUp"/> from the first connect
/// on, so a silo restart cannot forget a silent agent. docs/architecture.md, "Node agents".
/// </summary>
[GrainType("wpai-node-agent")]
public sealed partial class NodeAgentGrain(
    [PersistentState("node-agent", WpaiCluster.StorageProvider)] IPersistentState<NodeAgentState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<NodeAgentOptions> options,
    ILogger<NodeAgentGrain> logger) : Grain, INodeAgentGrain, IRemindable
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IAgentLogReader? _logs;
    private DateTimeOffset _lastSeen;
    private DurableWakeUp _checks = null!;

    private NodeAgentState S => state.State;

    private AgentOrderBook Book => new(S.Orders, S.LostToReport);

    private TimeSpan CheckPeriod => S.AgentId is null ? TimeSpan.Zero : options.Value.CheckPeriod;

    private string Node => this.GetPrimaryKeyString();

    /// <summary>An agent gets a whole heartbeat timeout after this grain (re)activates (after a failover it must reconnect).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastSeen = clock.GetUtcNow();
        _checks = new DurableWakeUp(this, "agent-check", CheckAsync, keepAlive: true);
        return _checks.ResumeAsync(CheckPeriod);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => _checks.OnReminderAsync(CheckPeriod);

    public async Task<NodeView> ConnectAsync(NodeSpec spec, NodeMode mode, string agentId, IAgentLogReader logs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var node = GrainFactory.GetGrain<INodeGrain>(Node);
        var view = await node.RegisterAsync(spec, mode);
        _lastSeen = clock.GetUtcNow();
        _logs = logs;
        if (S.Down)
        {
            view = await node.ChangeModeAsync(AgentLiveness.ModeOnReturn(S.ModeBeforeDown, mode), $"node agent {agentId} is back");
            S.Down = false;
        }

        if (!string.Equals(S.AgentId, agentId, StringComparison.Ordinal))
        {
            LogConnected(logger, Node, agentId, S.AgentId);
            S.AgentId = agentId;
        }

        await state.WriteStateAsync();
        await _checks.SetAsync(CheckPeriod);
        await ReportLostAsync();
        return view;
    }

    public async Task<AgentWork> PollAsync(string agentId, long knownVersion, TimeSpan wait)
    {
        _lastSeen = clock.GetUtcNow();
        if (S.Version == knownVersion && wait > TimeSpan.Zero)
        {
            await Task.WhenAny(_changed.Task, Task.Delay(wait < options.Value.MaxPollWait ? wait : options.Value.MaxPollWait));
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

        foreach (var usage in (report.Usage.IsDefault ? [] : report.Usage).Where(u => Book.IsWanted(u.JobId, u.Attempt) && !u.Samples.IsDefaultOrEmpty))
        {
            await RunOwners.UsageAsync(GrainFactory, usage);
        }

        await RunOwners.ProbedAsync(GrainFactory, report.Replicas);
        var changed = false;
        foreach (var end in report.Ended.IsDefault ? [] : report.Ended)
        {
            // Every call to a job is one-way: the job may be awaiting this grain (a stop order); it ignores a repeat.
            await RunOwners.EndedAsync(GrainFactory, end);
            changed |= Book.End(end.JobId, end.Attempt);
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
        if (Book.IsOrdered(spec.JobId, placement.Attempt))
        {
            return;
        }

        // The node's allocation is the source of truth for the GPU indices the run may use.
        var node = await GrainFactory.GetGrain<INodeGrain>(Node).GetAsync();
        var indices = node.Allocations.FirstOrDefault(a => string.Equals(a.OwnerId, spec.JobId, StringComparison.Ordinal))?.GpuIndices ?? [];
        if (Book.TryOrderStart(spec, placement.Attempt, indices, clock.GetUtcNow()))
        {
            LogOrdered(logger, Node, spec.JobId, placement.Attempt);
            await WriteAndSignalAsync();
        }
    }

    public async Task OrderStopAsync(string jobId, int attempt, string reason)
    {
        if (Book.TryOrderStop(jobId, attempt, reason))
        {
            await WriteAndSignalAsync();
        }
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
        if (!AgentLiveness.MustMarkDown(S.AgentId is not null, S.Down, silent, options.Value.HeartbeatTimeout))
        {
            return;
        }

        var node = GrainFactory.GetGrain<INodeGrain>(Node);
        var reason = AgentLiveness.SilenceReason(silent, options.Value.HeartbeatTimeout);
        S.Down = true;
        S.ModeBeforeDown = AgentLiveness.ModeToRemember((await node.GetAsync()).Mode, S.ModeBeforeDown);
        Book.MarkLost(Node, reason, now);
        await WriteAndSignalAsync();
        LogDown(logger, Node, silent.TotalSeconds, Book.LostCount);
        await node.ChangeModeAsync(NodeMode.Down, reason);
        await ReportLostAsync();
    }

    private async Task ReportLostAsync()
    {
        while (Book.NextLost is { } lost)
        {
            await RunOwners.EndedAsync(GrainFactory, lost);
            Book.LostReported();
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

    private AgentWork Work() => new(S.Version, Book.Runs);
}
