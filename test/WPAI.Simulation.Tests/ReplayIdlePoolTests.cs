using Microsoft.Extensions.DependencyInjection;
using Orleans;
using WPAI.Abstractions.Grains;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// The replay loop asks every pool for a pass after every event, but skips a pool whose last pass left nothing to do
/// and that nothing has reached since (<c>PoolOutbox.IsIdle</c>): most pools hold no queued job most of the time.
/// </summary>
public sealed class ReplayIdlePoolTests
{
    [Fact]
    public async Task Replay_SkipsPassesOfIdlePools_FewerPassCallsThanLoopTurnsTimesPools()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"));
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv")).Where(p => p.Gpus > 0).Take(300).ToList();
        var prepared = WorkloadPreparer.Prepare("gpuspec33 slice", nodes, pods, new WorkloadOptions(Seed: 1, FleetScale: 0.01, OfferedLoad: 0.3));
        var passes = new PassCalls();

        var result = await new Replay.GrainReplayEngine(configureSilo: s => s.AddSingleton<IOutgoingGrainCallFilter>(passes)).RunAsync(prepared, PolicyPresets.Get("wpai"), null, CancellationToken.None);

        // Every arrival and completion time is one turn of the loop, which runs at least one round of passes over every
        // pool unless they are skipped.
        var turns = prepared.Jobs.Select(j => j.Submit).Concat(result.Log.Events.Where(e => e.Kind == RunEventKind.Stopped).Select(e => e.At)).Distinct().Count();
        Assert.True(prepared.Pools.Length >= 3, $"only {prepared.Pools.Length} pools");
        Assert.True(passes.Count > 0 && passes.Count <= turns * prepared.Pools.Length * 3 / 4, $"{passes.Count} pass calls for {turns} turns of the loop over {prepared.Pools.Length} pools");
    }

    /// <summary>Counts the replay loop's pass calls (<see cref="IPoolSchedulerGrain.RunPassAfterAsync"/>).</summary>
    private sealed class PassCalls : IOutgoingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IPoolSchedulerGrain) && context.InterfaceMethod.Name == nameof(IPoolSchedulerGrain.RunPassAfterAsync))
            {
                Interlocked.Increment(ref _count);
            }

            return context.Invoke();
        }
    }
}
