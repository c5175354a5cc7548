using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// A short replay command runs its independent phases side by side: the engine starts its silo while the workload is
/// still being prepared, and returns the replay's result while that silo is still stopping (the next replay, or
/// disposing the engine, waits for the stop). The replay itself is the same as when the phases run one after another.
/// </summary>
public sealed class ReplayOverlapTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_WorkloadStillPreparing_StartsTheSiloMeanwhile()
    {
        var hook = new SiloHook(holdStop: false);
        await using var engine = new GrainReplayEngine(configureSilo: s => s.AddSingleton<IHostedService>(hook));

        // The workload is ready only once the silo's host has begun to start: an engine that waited for it first never finishes.
        var preparing = hook.Started.Task.ContinueWith(_ => ReplayTests.Tiny(), TaskScheduler.Default);
        var overlapped = await engine.RunAsync(preparing, PolicyPresets.Wpai, null, CancellationToken.None).WaitAsync(Patience);
        var sequential = await engine.RunAsync(ReplayTests.Tiny(), PolicyPresets.Wpai, null, CancellationToken.None);

        Assert.Equal(Rows(sequential), Rows(overlapped));
        Assert.Equal(sequential.Events, overlapped.Events);
    }

    [Fact]
    public async Task RunAsync_SiloStillStopping_ReturnsTheResultAndDisposeWaitsForTheStop()
    {
        var hook = new SiloHook(holdStop: true);
        var engine = new GrainReplayEngine(configureSilo: s => s.AddSingleton<IHostedService>(hook));

        // The silo's stop cannot finish before the test releases it: an engine that waited for it never returns.
        var result = await engine.RunAsync(ReplayTests.Tiny(), PolicyPresets.Wpai, null, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(6, result.Events);
        await hook.Stopping.Task.WaitAsync(Patience);

        var disposed = engine.DisposeAsync().AsTask();
        Assert.False(disposed.IsCompleted, "the engine was disposed before its silo stopped");
        hook.ReleaseStop.SetResult();
        await disposed.WaitAsync(Patience);
    }

    private static List<string> Rows(ReplayResult result) =>
        [.. result.Log.Events.Select(e => $"{e.At.TotalSeconds} {e.Kind} {e.JobId} {e.Node} {e.Gpus} {e.Reason}")];

    /// <summary>A service of the replay's silo host that tells when the host starts and stops, and holds its stop until released.</summary>
    private sealed class SiloHook : IHostedService
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Stopping { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseStop { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SiloHook(bool holdStop)
        {
            if (!holdStop)
            {
                ReleaseStop.SetResult();
            }
        }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            Stopping.TrySetResult();
            await ReleaseStop.Task;
        }
    }
}
