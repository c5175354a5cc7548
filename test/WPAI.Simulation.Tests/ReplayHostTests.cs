using Microsoft.Extensions.DependencyInjection;
using Orleans;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// A replay's silo keeps its grain states in memory (<see cref="ReplayGrainStorage"/>), which never fails, so it runs
/// without the storage-failure call filter of a production silo: each grain call is invoked directly, not through a
/// filter chain. Filters a caller adds are kept.
/// </summary>
public sealed class ReplayHostTests
{
    [Fact]
    public void BuildHost_WithACallersFilter_KeepsOnlyThatIncomingFilter()
    {
        var caller = new PassThrough();
        var clock = new VirtualClock(GrainReplayEngine.Origin);

        using var host = GrainReplayEngine.BuildHost(
            clock,
            new ReplayClusterDriver(clock, new EventLog(), new Dictionary<string, SimJob>()),
            PolicyPresets.Get("wpai"),
            s => s.AddSingleton<IIncomingGrainCallFilter>(caller));

        Assert.Same(caller, Assert.Single(host.Services.GetServices<IIncomingGrainCallFilter>()));
    }

    private sealed class PassThrough : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) => context.Invoke();
    }
}
