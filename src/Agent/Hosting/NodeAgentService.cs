using Microsoft.Extensions.Hosting;
using WPAI.Abstractions.Grains;
using WPAI.Agent.Measuring;
using WPAI.Agent.Runs;

namespace WPAI.Agent.Hosting;

/// <summary>
/// The agent's loops: connect (register the node), pull orders (long poll) and hand them to the
/// <see cref="RunSupervisor"/>, report starts/ends/usage and the model-server replicas' readiness and load every heartbeat, sample usage, and watch processes. Any failed
/// call (a silo failing over, a restart) is retried: the agent reconnects and pulls the whole desired-run list again.
/// </summary>
public sealed partial class NodeAgentService(
    IClusterClient client,
    RunSupervisor runs,
    ReplicaProber replicas,
    NvidiaSmi nvidia,
    IOptions<AgentOptions> options,
    ILogger<NodeAgentService> logger) : BackgroundService
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _agentId = $"{options.Value.Node}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    private AgentLogReader? _logReader; // held here: Orleans keeps only a weak reference to an observer
    private IAgentLogReader? _logs;
    private IReadOnlyDictionary<int, long> _gpuMemory = new Dictionary<int, long>();
    private bool _hasGpuDriver;

    private AgentOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        runs.Load();
        var spec = await DescribeNodeAsync(stoppingToken);
        _logReader = new AgentLogReader(runs);
        _logs = client.CreateObjectReference<IAgentLogReader>(_logReader);
        var grain = client.GetGrain<INodeAgentGrain>(O.Node);
        LogStarting(logger, O.Node, O.Pool, spec.Gpus, spec.CpuMilli, spec.MemoryMib, O.EffectiveStateDirectory);
        await Task.WhenAll(
            LoopAsync(TickPeriod, runs.Tick, stoppingToken),
            LoopAsync(O.SampleInterval, () => SampleAsync(stoppingToken), stoppingToken),
            LoopAsync(O.HeartbeatInterval, () => ReportAsync(grain, stoppingToken), stoppingToken),
            PollAsync(grain, spec, stoppingToken));
    }

    private async Task PollAsync(INodeAgentGrain grain, NodeSpec spec, CancellationToken stoppingToken)
    {
        var connected = false;
        long version = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!connected)
                {
                    var view = await grain.ConnectAsync(spec, O.Mode, _agentId, _logs!);
                    connected = true;
                    version = -1;
                    LogConnected(logger, O.Node, view.Mode, _agentId);
                }

                var work = await grain.PollAsync(_agentId, version, O.PollWait);
                runs.Reconcile(work);
                version = work.Version;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                connected = false;
                LogRetrying(logger, ex.GetType().Name, ex.Message);
                await DelayAsync(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task ReportAsync(INodeAgentGrain grain, CancellationToken cancellationToken)
    {
        var probes = await replicas.ProbeAsync(cancellationToken);
        var report = runs.TakeReport(_agentId) with { Replicas = probes };
        await grain.ReportAsync(report);
        runs.Acknowledge(report);
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        var gpus = _hasGpuDriver ? await nvidia.ReadAsync(cancellationToken) : null;
        runs.Sample(gpus, _gpuMemory);
    }

    private async Task<NodeSpec> DescribeNodeAsync(CancellationToken cancellationToken)
    {
        var devices = await nvidia.DevicesAsync(cancellationToken);
        _hasGpuDriver = devices is not null;
        _gpuMemory = devices?.ToDictionary(d => d.Index, d => d.MemoryMib) ?? [];
        var gpus = O.Gpus ?? devices?.Count ?? 0;
        return new NodeSpec(O.Node, O.Pool, gpus, O.CpuMilli ?? Environment.ProcessorCount * 1000, O.MemoryMib ?? ProcessTable.MemoryTotalMib());
    }

    private async Task LoopAsync(TimeSpan period, Action action, CancellationToken stoppingToken) =>
        await LoopAsync(period, () => { action(); return Task.CompletedTask; }, stoppingToken);

    private async Task LoopAsync(TimeSpan period, Func<Task> action, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period);
        do
        {
            try
            {
                await action();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, ex.GetType().Name, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node agent for {Node} (pool {Pool}): {Gpus} GPUs, {CpuMilli}m CPU, {MemoryMib} MiB; state in {StateDirectory}")]
    private static partial void LogStarting(ILogger logger, string node, string pool, int gpus, int cpuMilli, long memoryMib, string stateDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected: node {Node} is {Mode} (agent {AgentId})")]
    private static partial void LogConnected(ILogger logger, string node, NodeMode mode, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo call failed ({Type}: {Message}); retrying")]
    private static partial void LogRetrying(ILogger logger, string type, string message);
}
