using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using WPAI.Grains.Scheduling;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// The pool scheduler's pending queue lives in shard states (<c>queue-N</c>); a queue that an older build kept whole in
/// the scheduler's own state moves into the shards when the scheduler activates, and stays there across restarts.
/// </summary>
public sealed class QueueShardingTests : IDisposable
{
    private const int QueueShards = 16; // PendingQueue.ShardCount

    private static readonly GrainId Scheduler = GrainId.Create("wpai-pool-scheduler", "T4");
    private readonly SqliteRestartableSilo _silo = new("queue-shards");

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Activation_MovesAWholeQueueFromTheSchedulerStateIntoShards_AndKeepsItAcrossRestarts()
    {
        await RunAsync(async grains =>
        {
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 4));
            await grains.GetGrain<IJobGrain>("a1").SubmitAsync(new JobSpec("a1", "a", ["T4"], 4, 4_000, 16_000, TimeSpan.FromHours(1)));
            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
            await grains.GetGrain<IJobGrain>("a2").SubmitAsync(new JobSpec("a2", "a", ["T4"], 2, 4_000, 16_000, TimeSpan.FromHours(1)));
            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
        });

        // Rewrite the stored queue into the old layout: every entry in the scheduler's own state, the shards empty.
        await EditStoredStateAsync(async (storage, serviceId) =>
        {
            var entries = new List<QueueEntry>();
            for (var i = 0; i < QueueShards; i++)
            {
                var shard = new GrainState<PendingQueueShardState>();
                await storage.ReadStateAsync($"queue-{i}", Scheduler, shard);
                entries.AddRange(shard.State!.Entries.Values);
                if (shard.RecordExists)
                {
                    await storage.ClearStateAsync($"queue-{i}", Scheduler, shard);
                }
            }

            var scheduler = new GrainState<PoolSchedulerState>();
            await storage.ReadStateAsync("scheduler", Scheduler, scheduler);
            scheduler.State!.Queue = entries.ToDictionary(e => e.JobId, StringComparer.Ordinal);
            await storage.WriteStateAsync("scheduler", Scheduler, scheduler);
            Assert.Equal(["a2"], entries.Select(e => e.JobId));
        });

        await RunAsync(async grains => Assert.Equal(["a2"], (await grains.GetGrain<IPoolSchedulerGrain>("T4").GetAsync()).Queue.Select(q => q.JobId)));
        await RunAsync(async grains => Assert.Equal(["a2"], (await grains.GetGrain<IPoolSchedulerGrain>("T4").GetAsync()).Queue.Select(q => q.JobId)));

        await EditStoredStateAsync(async (storage, _) =>
        {
            var scheduler = new GrainState<PoolSchedulerState>();
            await storage.ReadStateAsync("scheduler", Scheduler, scheduler);
            Assert.Empty(scheduler.State!.Queue);
        });
    }

    private async Task RunAsync(Func<IClusterClient, Task> body)
    {
        var cluster = await _silo.StartAsync();
        try
        {
            await body(cluster.Client);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private async Task EditStoredStateAsync(Func<SqliteGrainStorage, string, Task> edit)
    {
        await using var services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(PoolSchedulerState).Assembly).AddAssembly(typeof(QueueEntry).Assembly))
            .BuildServiceProvider();
        await using var storage = new SqliteGrainStorage(
            "wpai",
            _silo.ServiceId,
            new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = _silo.DatabasePath },
            services.GetRequiredService<Serializer>(),
            services.GetRequiredService<IActivatorProvider>(),
            NullLoggerFactory.Instance);
        storage.Open();
        await edit(storage, _silo.ServiceId);
    }
}
