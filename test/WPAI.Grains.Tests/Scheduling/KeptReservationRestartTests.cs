using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// With <see cref="SchedulingOptions.KeepReservation"/> the node reserved for a starving job is part of the pool
/// scheduler's persisted state: after a restart the next pass keeps it, where a fresh choice would pick another node.
/// </summary>
public sealed class KeptReservationRestartTests : IDisposable
{
    private readonly SqliteRestartableSilo _silo = new("kept-reservation", silo => silo.Services.Configure<SchedulingOptions>(o => o.KeepReservation = true));

    public void Dispose() => _silo.Dispose();

    /// <summary>Runs a job of a (which owns the pool) on <paramref name="node"/>: the other node is cordoned meanwhile.</summary>
    private static async Task RunOnAsync(IClusterClient grains, string node, string other, string id, int gpus, int cpuMilli)
    {
        await grains.GetGrain<INodeGrain>(other).SetCordonAsync(true, "test placement");
        await grains.GetGrain<IJobGrain>(id).SubmitAsync(new JobSpec(id, "a", ["G2"], gpus, cpuMilli, 1_000, TimeSpan.FromHours(100)));
        await Fleet.EventuallyAsync(
            async () =>
            {
                await grains.GetGrain<IPoolSchedulerGrain>("G2").RunPassAsync();
                return (await grains.GetGrain<IJobGrain>(id).GetAsync()).Placement?.Node == node;
            },
            $"{id} runs on {node}");
        await grains.GetGrain<INodeGrain>(other).SetCordonAsync(false, "test placement done");
    }

    /// <summary>A 1-GPU job of b submitted now (a pass in which no job can be placed is skipped).</summary>
    private static Task SubmitSmallAsync(IClusterClient grains, string id) =>
        grains.GetGrain<IJobGrain>(id).SubmitAsync(new JobSpec(id, "b", ["G2"], 1, 1_000, 1_000, TimeSpan.FromHours(100)));

    private static async Task<string> ReasonAsync(IClusterClient grains)
    {
        await grains.GetGrain<IPoolSchedulerGrain>("G2").RunPassAsync();
        return (await grains.GetGrain<IPoolSchedulerGrain>("G2").GetAsync()).Queue.Single(q => q.JobId == "big").Reason;
    }

    [Fact]
    public async Task Restart_KeepsTheReservedNode_WhereAFreshChoiceWouldMoveIt()
    {
        var first = await _silo.StartAsync();
        try
        {
            var grains = first.Client;
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "G2", 8, 64_000, 512_000), NodeMode.Fixed);
            await grains.GetGrain<INodeGrain>("n2").RegisterAsync(new NodeSpec("n2", "G2", 8, 64_000, 512_000), NodeMode.Fixed);

            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("G2", 16));
            await grains.GetGrain<IDepartmentGrain>("b").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("G2", 0)); // b borrows

            // n1 keeps 5 GPUs free, n2 6 (and less CPU): the 8-GPU job fits neither and, once starving, reserves n2.
            await RunOnAsync(grains, "n1", "n2", "h1", 2, 1_000);
            await RunOnAsync(grains, "n1", "n2", "h2", 1, 1_000);
            await RunOnAsync(grains, "n2", "n1", "h3", 2, 10_000);
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IPoolSchedulerGrain>("G2").GetAsync()).Free.Gpus == 11, "the pool sees both nodes schedulable");
            await grains.GetGrain<IJobGrain>("big").SubmitAsync(new JobSpec("big", "b", ["G2"], 8, 1_000, 1_000, TimeSpan.FromHours(1)));
            _silo.Clock.Advance(TimeSpan.FromHours(9));
            await SubmitSmallAsync(grains, "small1");
            Assert.StartsWith("reserved node n2 for this job", await ReasonAsync(grains), StringComparison.Ordinal);
            Assert.Equal("n1", (await grains.GetGrain<IJobGrain>("small1").GetAsync()).Placement?.Node);

            // n1 frees 2 GPUs: both nodes have 6 GPUs free and n1 more CPU, so a fresh choice would be n1.
            await grains.GetGrain<IJobGrain>("h1").CancelAsync("frees n1");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await _silo.StartAsync();
        try
        {
            var grains = second.Client;
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IPoolSchedulerGrain>("G2").GetAsync()).Free.Gpus == 12, "the rebuilt pool sees n1's freed GPUs");
            await SubmitSmallAsync(grains, "small2");
            Assert.StartsWith("reserved node n2 for this job", await ReasonAsync(grains), StringComparison.Ordinal);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }
}
