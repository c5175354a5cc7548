using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using WPAI.Silo.Storage;

namespace WPAI.Benchmarks;

/// <summary>
/// Grain-state writes per second of WPAI's storage providers: one grain writing sequentially (every write waits
/// for its own commit) against 64 grains writing at once (writes share group commits), for SQLite with
/// synchronous=NORMAL and FULL, and the in-memory provider. Ratios are against the sequential run of the same
/// provider in the same process. Writes <c>bench-results/storage.json</c>.
/// </summary>
internal static class StorageBenchmark
{
    private const int ConcurrentGrains = 64;

    public static async Task<int> RunAsync(bool quick)
    {
        var sequentialWrites = quick ? 300 : 2_000;
        var concurrentWritesPerGrain = quick ? 40 : 200;
        await using var services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(StorageBenchState).Assembly))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var activators = services.GetRequiredService<IActivatorProvider>();
        var folder = Path.Combine(Path.GetTempPath(), "wpai-storage-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var rows = new List<Row>();
        try
        {
            foreach (var durability in new[] { SqliteDurability.Normal, SqliteDurability.Full })
            {
                var path = Path.Combine(folder, durability + ".db");
                await using var storage = new SqliteGrainStorage(
                    "wpai",
                    "bench",
                    new WpaiStorageOptions { SqlitePath = path, SqliteDurability = durability },
                    serializer,
                    activators,
                    NullLoggerFactory.Instance);
                storage.Open();
                var name = "sqlite-" + durability.ToString().ToLowerInvariant();
                var sequential = await MeasureAsync(storage, 1, sequentialWrites);
                var before = storage.CommitCounters;
                var concurrent = await MeasureAsync(storage, ConcurrentGrains, concurrentWritesPerGrain);
                var after = storage.CommitCounters;
                var meanBatch = (double)(after.Writes - before.Writes) / Math.Max(1, after.Batches - before.Batches);
                rows.Add(new Row(name, "sequential-1-grain", sequential.WritesPerSecond, sequential.P50Ms, sequential.P99Ms, 1, 1));
                rows.Add(new Row(name, $"concurrent-{ConcurrentGrains}-grains", concurrent.WritesPerSecond, concurrent.P50Ms, concurrent.P99Ms, meanBatch, concurrent.WritesPerSecond / sequential.WritesPerSecond));
            }

            var memory = new InMemoryGrainStorage(services.GetRequiredService<DeepCopier>(), activators);
            var memorySequential = await MeasureAsync(memory, 1, sequentialWrites * 10);
            var memoryConcurrent = await MeasureAsync(memory, ConcurrentGrains, concurrentWritesPerGrain * 10);
            rows.Add(new Row("memory", "sequential-1-grain", memorySequential.WritesPerSecond, memorySequential.P50Ms, memorySequential.P99Ms, 0, 1));
            rows.Add(new Row("memory", $"concurrent-{ConcurrentGrains}-grains", memoryConcurrent.WritesPerSecond, memoryConcurrent.P50Ms, memoryConcurrent.P99Ms, 0, memoryConcurrent.WritesPerSecond / memorySequential.WritesPerSecond));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine($"Storage writes/s ({Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run; ratio = against the same provider's sequential run)");
        Console.WriteLine($"{"provider",-15} {"workload",-22} {"writes/s",10} {"p50 ms",8} {"p99 ms",8} {"batch",7} {"ratio",7}");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{row.Provider,-15} {row.Workload,-22} {row.WritesPerSecond,10:F0} {row.P50Ms,8:F3} {row.P99Ms,8:F3} {row.MeanBatch,7:F1} {row.Ratio,7:F1}"));
        }

        Directory.CreateDirectory("bench-results");
        await File.WriteAllTextAsync(
            Path.Combine("bench-results", "storage.json"),
            JsonSerializer.Serialize(new { results = rows }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        return 0;
    }

    private static async Task<Measurement> MeasureAsync(IGrainStorage storage, int grains, int writesPerGrain)
    {
        var latencies = new double[grains * writesPerGrain];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, grains).Select(g => Task.Run(async () =>
        {
            var grainId = GrainId.Create("bench", Guid.NewGuid().ToString("N"));
            var state = new GrainState<StorageBenchState>(new StorageBenchState
            {
                Nodes = ["t4-node-017", "t4-node-018"],
                Usage = new() { ["gpu"] = 0.73, ["gpuMemory"] = 0.41, ["cpu"] = 11.5 },
            });
            for (var i = 0; i < writesPerGrain; i++)
            {
                state.State!.Version = i;
                var started = Stopwatch.GetTimestamp();
                await storage.WriteStateAsync("job", grainId, state);
                latencies[(g * writesPerGrain) + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        stopwatch.Stop();
        Array.Sort(latencies);
        return new Measurement(
            latencies.Length / stopwatch.Elapsed.TotalSeconds,
            latencies[latencies.Length / 2],
            latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))]);
    }

    private readonly record struct Measurement(double WritesPerSecond, double P50Ms, double P99Ms);

    private sealed record Row(string Provider, string Workload, double WritesPerSecond, double P50Ms, double P99Ms, double MeanBatch, double Ratio);
}
