using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Hosting;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Common;
using WPAI.Silo.Driver;
using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Benchmarks;

/// <summary>
/// Scheduling throughput: a fleet of 1,000 nodes (4 pools × 250 × 8 GPUs) and 20,000 jobs of 1–8 GPUs submitted by
/// 64 concurrent clients to one in-process silo; jobs run 200 ms on the simulated driver so capacity keeps turning
/// over. After a warm-up (not measured; by default batches of jobs until the JIT has settled), measures placements per second (first submit → last placement),
/// submit→placed latency, CPU milliseconds and bytes allocated by the process per placement, and grain calls and state writes per job life
/// cycle, for in-memory and SQLite storage, and for the same fleet as one single pool (the ratio sharded/single shows
/// what pools buy).
/// </summary>
internal static class SchedulingBenchmark
{
    /// <summary>The closed-loop clients by default (each awaits its submit, then submits the next job).</summary>
    private const int DefaultClients = 64;

    /// <summary>The configurations, in the full run's order: name (as <c>--only</c> takes it), storage, pools.</summary>
    private static readonly (string Name, StorageKind Kind, int Pools)[] Configurations =
    [
        ("memory", StorageKind.Memory, 4),
        ("sqlite", StorageKind.Sqlite, 4),
        ("single-pool", StorageKind.Memory, 1),
    ];
    private const int Departments = 10;

    /// <summary>A warm-up batch that JIT-compiles fewer methods than this (twice in a row) ends the warm-up. Once the hot
    /// code is re-compiled at tier 1, a batch compiles only what the silo's periodic services run for the first time (tens
    /// of methods); while re-compilation goes on, hundreds per batch.</summary>
    private const int SettledMethodsPerBatch = 50;

    /// <summary>At most this many warm-up batches; a warm-up that ends here says so.</summary>
    private const int MaxWarmUpBatches = 50;

    /// <param name="warmUpJobs">Jobs run before the measured ones. By default (null) the warm-up runs batches of jobs (1,000
    /// with <paramref name="quick"/>, else 2,000) until two batches in a row JIT-compile fewer than
    /// <see cref="SettledMethodsPerBatch"/> methods, so that the window measures a silo's steady state and not the
    /// runtime's tier-1 re-compilation of the hot code, which on the 2-core machine runs for some 20,000 jobs after start
    /// (README "Scheduling benchmark", "What the JIT compiles").</param>
    /// <param name="jitLog">With <paramref name="only"/>: write every method JIT-compiled in the measured window, with its
    /// tier, to this file (tab-separated; listening to the runtime's JIT events costs CPU of its own).</param>
    /// <param name="waitTimes">Also time each call on a placement's path and each state write to its acknowledgement
    /// (<c>--wait-times</c>; an async step per call and write that costs CPU in the measured window, so off by default).</param>
    public static async Task<int> RunAsync(bool quick, string? only = null, int? warmUpJobs = null, string? jitLog = null, int[]? clients = null, bool waitTimes = false)
    {
        if (clients is { Length: > 1 } && (only is null || jitLog is not null))
        {
            await Console.Error.WriteLineAsync($"--clients {string.Join(',', clients)} sweeps one configuration: add --only memory|sqlite|single-pool (and no --jit-log), or give one number of clients");
            return 2;
        }

        var clientCount = clients?[0] ?? DefaultClients;
        if (jitLog is not null && only is null)
        {
            await Console.Error.WriteLineAsync($"--jit-log '{jitLog}' needs one configuration: add --only memory|sqlite|single-pool");
            return 2;
        }

        var nodes = quick ? 100 : 1_000;
        var jobs = quick ? 2_000 : 20_000;
        var warmUp = new WarmUp(warmUpJobs, quick ? 1_000 : 2_000);
        var warmUpText = warmUpJobs is { } fixedJobs ? $"{fixedJobs} warm-up jobs" : $"a warm-up of {warmUp.Batch}-job batches until the JIT has settled";
        Console.WriteLine($"scheduling benchmark: {nodes} nodes × 8 GPUs, {jobs} jobs of 1–8 GPUs after {warmUpText}, {clientCount} concurrent clients, {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        if (only is not null)
        {
            var configuration = Array.Find(Configurations, c => c.Name == only);
            if (configuration.Name is null)
            {
                await Console.Error.WriteLineAsync($"unknown configuration '{only}' for --only: choose memory, sqlite or single-pool");
                return 2;
            }

            if (clients is { Length: > 1 })
            {
                return await SweepAsync(configuration, clients, nodes, jobs, warmUp);
            }

            // One configuration alone (for a profiler): no ratios, no JSON.
            PrintBreakdown(await MeasureAsync(configuration.Name, configuration.Kind, configuration.Pools, nodes, jobs, warmUp, clientCount, jitLog, waitTimes));
            return 0;
        }

        var results = new List<Result>();
        foreach (var (name, kind, pools) in Configurations)
        {
            results.Add(await MeasureAsync(name, kind, pools, nodes, jobs, warmUp, clientCount));
        }

        Console.WriteLine();
        Console.WriteLine("| configuration | pools | placements/s | p50 submit→placed (ms) | p99 (ms) | CPU ms/placement | KB allocated/placement | calls/job | writes/job | placed | methods JIT-compiled in the window | JIT ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Configuration} | {r.Pools} | {r.PlacementsPerSecond:0} | {r.P50LatencyMs:0.0} | {r.P99LatencyMs:0.0} | {r.CpuMsPerPlacement:0.000} | {r.AllocatedBytesPerPlacement / 1024:0.0} | {r.CallsPerJob:0.0} | {r.WritesPerJob:0.0} | {r.Placed} | {r.JitCompiledMethods} | {r.JitMilliseconds:0} |"));
        }

        var memory = results[0];
        var sqlite = results[1];
        var single = results[2];
        Console.WriteLine();
        PrintBreakdown(memory);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sharded/single-pool throughput ratio: {memory.PlacementsPerSecond / single.PlacementsPerSecond:0.00}×"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sqlite/memory throughput ratio: {sqlite.PlacementsPerSecond / memory.PlacementsPerSecond:0.00}×"));
        Console.WriteLine(Target("memory", memory.PlacementsPerSecond, ">=", 5_000, "placements/s"));
        Console.WriteLine(Target("sqlite (durable)", sqlite.PlacementsPerSecond, ">=", 3_000, "placements/s"));
        Console.WriteLine(Target("memory CPU", memory.CpuMsPerPlacement, "<=", 0.4, "ms/placement"));

        Directory.CreateDirectory("bench-results");
        var json = JsonSerializer.Serialize(
            new
            {
                results = results.Select(r => new
                {
                    configuration = r.Configuration,
                    placementsPerSecond = r.PlacementsPerSecond,
                    p50LatencyMs = r.P50LatencyMs,
                    p99LatencyMs = r.P99LatencyMs,
                    pools = r.Pools,
                    placed = r.Placed,
                    jobs,
                    nodes,
                    cpuMsPerPlacement = r.CpuMsPerPlacement,
                    allocatedBytesPerPlacement = r.AllocatedBytesPerPlacement,
                    callsPerJob = r.CallsPerJob,
                    writesPerJob = r.WritesPerJob,
                    jitCompiledMethods = r.JitCompiledMethods,
                    jitMilliseconds = r.JitMilliseconds,
                    clients = r.Clients,
                    submitCallMeanMs = r.SubmitMeanMs,
                    coresUsed = r.CoresUsed,
                    busiestPoolPassFraction = r.BusiestPool,
                }),
                shardedOverSingle = memory.PlacementsPerSecond / single.PlacementsPerSecond,
                quick,
            },
            new JsonSerializerOptions { WriteIndented = true });
        await File.WriteAllTextAsync(Path.Combine("bench-results", "scheduling.json"), json);
        Console.WriteLine("wrote bench-results/scheduling.json");
        return 0;
    }

    /// <summary>
    /// One configuration at several numbers of closed-loop clients, each in a fresh silo after the same warm-up: a closed
    /// loop offers at most clients ÷ submit latency, so its placements/s is the scheduler's only where more clients no
    /// longer add any (README "Scheduling benchmark", "What bounds placements/s").
    /// </summary>
    private static async Task<int> SweepAsync((string Name, StorageKind Kind, int Pools) configuration, int[] clients, int nodes, int jobs, WarmUp warmUp)
    {
        var results = new List<Result>();
        foreach (var count in clients)
        {
            results.Add(await MeasureAsync(configuration.Name, configuration.Kind, configuration.Pools, nodes, jobs, warmUp, count));
        }

        Console.WriteLine();
        Console.WriteLine($"| {configuration.Name}: clients | placements/s | p50 submit→placed (ms) | p99 (ms) | mean submit call (ms) | cores used | busiest pool grain's passes (of the window) | CPU ms/placement |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Clients} | {r.PlacementsPerSecond:0} | {r.P50LatencyMs:0.0} | {r.P99LatencyMs:0.0} | {r.SubmitMeanMs:0.00} | {r.CoresUsed:0.00} | {r.BusiestPool:0.00} | {r.CpuMsPerPlacement:0.000} |"));
        }

        return 0;
    }

    private static void PrintBreakdown(Result result)
    {
        Console.WriteLine($"grain calls and state writes per job life cycle (submit, place, complete), {result.Configuration}:");
        foreach (var (key, perJob) in result.Breakdown)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {perJob,6:0.00}  {key}"));
        }

        // The writes by grain state, the pool scheduler's 16 queue shards ("queue-0" … "queue-15") as one.
        var byState = result.Breakdown
            .Where(b => b.Key.StartsWith("write ", StringComparison.Ordinal))
            .GroupBy(b => b.Key["write ".Length..].StartsWith("queue-", StringComparison.Ordinal) ? "queue shards" : b.Key["write ".Length..], StringComparer.Ordinal)
            .Select(g => (State: g.Key, PerJob: g.Sum(b => b.PerJob)))
            .OrderByDescending(g => g.PerJob);
        Console.WriteLine($"state writes per job by grain state, {result.Configuration}: " + string.Join(", ", byState.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.State} {g.PerJob:0.00}"))));
    }

    internal static string Target(string what, double value, string op, double target, string unit)
    {
        var met = op == ">=" ? value >= target : value <= target;
        var by = op == ">=" ? value / target : target / value;
        return string.Create(CultureInfo.InvariantCulture, $"target {what} {op} {target:#,0.###} {unit}: {(met ? "met" : "missed")} ({value:#,0.###}; {by:0.00}× of target)");
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static async Task<Result> MeasureAsync(string name, StorageKind kind, int pools, int nodeCount, int jobCount, WarmUp warmUp, int clients, string? jitLog = null, bool waitTimes = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wpai-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var recorder = new PlacementRecorder();
        var calls = new CallCounter();
        var busy = new GrainBusyTime(timePlacementPath: waitTimes);
        var storage = new StorageCounts();
        SqliteGrainStorage? sqliteStorage = null;
        using var jitListener = jitLog is null ? null : new JitMethodLog();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: WpaiCluster.ServiceId, clusterId: "bench-" + name);
            silo.Configure<ClusterOptions>(o => o.ServiceId = WpaiCluster.ServiceId);
            silo.UseWpaiStorage(new WpaiStorageOptions { Kind = kind, SqlitePath = Path.Combine(directory, "wpai.db") });
            silo.Services.DecorateGrainStorage(WpaiCluster.StorageProvider, (_, inner) =>
            {
                sqliteStorage = inner as SqliteGrainStorage;
                return new CountingGrainStorage(inner, storage, timeWrites: waitTimes);
            });
            silo.AddIncomingGrainCallFilter(calls);
            silo.AddIncomingGrainCallFilter(busy);
            silo.Services.AddSingleton(recorder);
            silo.Services.AddSingleton<SimulatedClusterDriver>();
            silo.Services.AddSingleton<IClusterDriver, RecordingDriver>();
            silo.AddWpaiGrains(o => o.PassDelay = TimeSpan.FromMilliseconds(2));
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var poolNames = Enumerable.Range(0, pools).Select(p => pools == 1 ? "ALL" : $"G{p}").ToArray();
            var nodeNames = Enumerable.Range(0, nodeCount).Select(i => (Name: $"node-{i:D4}", Pool: poolNames[i % pools])).ToArray();
            await ForEachAsync(nodeNames, 32, n => grains.GetGrain<INodeGrain>(n.Name).RegisterAsync(new NodeSpec(n.Name, n.Pool, 8, 64_000, 512_000), NodeMode.Fixed));
            var gpusPerPool = nodeCount / pools * 8;
            for (var d = 0; d < Departments; d++)
            {
                await grains.GetGrain<IDepartmentGrain>($"dept-{d}").SetQuotaAsync(poolNames.ToImmutableDictionary(p => p, _ => gpusPerPool / Departments));
            }

            // The warm-up and the measured jobs draw from their own generators, so the measured jobs are the same
            // whatever the warm-up's length.
            JobSpec[] Specs(Random random, string prefix, int count) => Enumerable.Range(0, count).Select(i => new JobSpec(
                $"{prefix}-{i:D6}",
                $"dept-{i % Departments}",
                [poolNames[random.Next(pools)]],
                1 + random.Next(8),
                1_000,
                4_000,
                TimeSpan.FromMilliseconds(200))).ToArray();

            jitListener?.Mark("warm-up");
            // Warm-up: the same work, not measured, so that JIT, grain activation and connection start-up are paid first.
            // One submit for the warm-up and the window, so that the window runs no code of its own that the JIT has not seen.
            var submitted = new ConcurrentDictionary<string, long>();
            var submitCalls = new ConcurrentDictionary<string, long>(); // how long each submit call took (ticks)
            var clock = Stopwatch.StartNew();
            async Task SubmitAsync(JobSpec spec)
            {
                var at = clock.ElapsedTicks;
                submitted[spec.JobId] = at;
                await grains.GetGrain<IJobGrain>(spec.JobId).SubmitAsync(spec);
                submitCalls[spec.JobId] = clock.ElapsedTicks - at;
            }

            var warmUpRandom = new Random(7);
            var warmedUp = 0;
            var compiledPerBatch = new List<long>();
            while (warmUp.Jobs is { } fixedJobs ? warmedUp < fixedJobs : !warmUp.Settled(compiledPerBatch))
            {
                var batch = Specs(warmUpRandom, $"warm{compiledPerBatch.Count}", warmUp.Jobs is { } all ? all : warmUp.Batch);
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                await ForEachAsync(batch, clients, SubmitAsync);
                warmedUp += batch.Length;
                await WaitUntilAsync(() => recorder.Count >= warmedUp, TimeSpan.FromMinutes(5));
                await WaitUntilAsync(() => calls.Count("IJobGrain.CompleteWithUsageAsync") >= warmedUp, TimeSpan.FromMinutes(1));
                compiledPerBatch.Add(System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore);
            }

            var settledText = warmUp.Jobs is not null ? "fixed" : compiledPerBatch.Count >= MaxWarmUpBatches ? $"the JIT did not settle in {MaxWarmUpBatches} batches" : "the JIT settled";
            Console.WriteLine($"  {name}: warm-up {warmedUp} jobs ({settledText}); methods JIT-compiled per warm-up batch: {string.Join(", ", compiledPerBatch)}");
            recorder.Reset();
            submitted.Clear();
            submitCalls.Clear();
            var metrics = host.Services.GetRequiredService<WPAI.Grains.Telemetry.WpaiMetrics>();
            var passesBefore = await PassSecondsAsync(metrics);
            var (busyBefore, _) = busy.Snapshot();

            var specs = Specs(new Random(42), "job", jobCount);
            var callsBefore = calls.Snapshot();
            var storageBefore = storage.Snapshot();
            var pathBefore = PathSample.Take(busy, storage, sqliteStorage);
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            jitListener?.Mark("window");
            var jitMethodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
            var windowStart = Stopwatch.GetTimestamp();
            clock.Restart();
            await ForEachAsync(specs, clients, SubmitAsync);

            await WaitUntilAsync(() => recorder.Count >= jobCount, TimeSpan.FromMinutes(5));
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethodsBefore;
            var jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore;
            jitListener?.Mark("after");
            var windowEnd = Stopwatch.GetTimestamp();
            var windowSeconds = (windowEnd - windowStart) / (double)Stopwatch.Frequency;
            var passesAfter = await PassSecondsAsync(metrics);
            var (busyAfter, _) = busy.Snapshot();
            var pathAfter = PathSample.Take(busy, storage, sqliteStorage);
            var completesBefore = callsBefore.GetValueOrDefault("IJobGrain.CompleteWithUsageAsync");
            await WaitUntilAsync(() => calls.Count("IJobGrain.CompleteWithUsageAsync") - completesBefore >= jobCount, TimeSpan.FromMinutes(1));
            await Task.Delay(200); // let one-way follow-ups (pool notifications) of the last completions arrive

            var breakdown = Delta(calls.Snapshot(), callsBefore).Select(kv => (Key: "call " + kv.Key, kv.Value))
                .Concat(Delta(storage.Snapshot(), storageBefore).Where(kv => !kv.Key.StartsWith("read ", StringComparison.Ordinal)).Select(kv => (Key: kv.Key, kv.Value)))
                .Select(kv => (kv.Key, PerJob: kv.Value / (double)jobCount))
                .Where(kv => kv.PerJob >= 0.005)
                .OrderByDescending(kv => kv.PerJob)
                .ToList();
            var placedAt = recorder.FirstPlacements(clock);
            var elapsed = placedAt.Values.DefaultIfEmpty(0).Max() / (double)Stopwatch.Frequency;
            var latencies = placedAt.Select(kv => (kv.Value - submitted[kv.Key]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            var submitLatencies = submitCalls.Values.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {clients} closed-loop clients; the submit call (client → job grain, until it returns): mean {submitLatencies.DefaultIfEmpty(0).Average():0.00} ms, p50 {Percentile.NearestRank(submitLatencies, 0.50):0.00} ms, p99 {Percentile.NearestRank(submitLatencies, 0.99):0.00} ms; clients ÷ mean submit = {clients / Math.Max(submitLatencies.DefaultIfEmpty(0).Average() / 1000, 1e-9):0}/s offered"));
            // Each pool scheduler grain's passes (timer turns, one at a time: the fraction of the window the grain is held by
            // a pass) and its calls; and the job index's calls (one add per submit). Enqueues and adds interleave (a pass's
            // awaits and other calls do not hold them back), so the time inside calls ÷ the window is the mean number of calls in
            // progress, and the time inside calls ÷ the jobs is what each job spends there.
            var poolBusy = passesAfter.Keys.Union(busyAfter.Keys).Order(StringComparer.Ordinal).Select(pool =>
            {
                var (countAfter, secondsAfter) = passesAfter.GetValueOrDefault(pool);
                var (countBefore, secondsBefore) = passesBefore.GetValueOrDefault(pool);
                var pass = (Count: countAfter - countBefore, Seconds: secondsAfter - secondsBefore);
                var inCalls = busyAfter.GetValueOrDefault(pool) - busyBefore.GetValueOrDefault(pool);
                var calls = string.Create(CultureInfo.InvariantCulture, $"calls in progress {inCalls / windowSeconds:0.00} on average, {inCalls * 1000 / jobCount:0.00} ms per job");
                var text = pass.Count == 0 ? $"{pool}: {calls}" : string.Create(CultureInfo.InvariantCulture, $"{pool}: passes {pass.Count} × {pass.Seconds * 1000 / pass.Count:0.00} ms = {pass.Seconds / windowSeconds:0.00} of the window, {calls}");
                return (PassFraction: pass.Seconds / windowSeconds, Text: text);
            }).ToList();
            var busiest = poolBusy.Select(p => p.PassFraction).DefaultIfEmpty(0).Max();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: the process used {cpu.TotalSeconds / windowSeconds:0.00} of {Environment.ProcessorCount} cores in the window (CPU time ÷ wall time); load average {LoadAverage()}"));
            Console.WriteLine($"  {name}: in the {windowSeconds:0.00} s window, the pool scheduler grains and the job index: {string.Join("; ", poolBusy.Select(p => p.Text))}");
            PrintPlacementPath(name, waitTimes, Delta(calls.Snapshot(), callsBefore), pathBefore, pathAfter, windowSeconds);
            var result = new Result(
                name,
                pools,
                placedAt.Count / Math.Max(elapsed, 1e-9),
                Percentile.NearestRank(latencies, 0.50),
                Percentile.NearestRank(latencies, 0.99),
                placedAt.Count,
                cpu.TotalMilliseconds / Math.Max(placedAt.Count, 1),
                allocated / (double)Math.Max(placedAt.Count, 1),
                breakdown.Where(b => b.Key.StartsWith("call ", StringComparison.Ordinal)).Sum(b => b.PerJob),
                breakdown.Where(b => b.Key.StartsWith("write ", StringComparison.Ordinal)).Sum(b => b.PerJob),
                breakdown,
                jitMethods,
                jitTime.TotalMilliseconds,
                clients,
                submitLatencies.DefaultIfEmpty(0).Average(),
                cpu.TotalSeconds / windowSeconds,
                busiest);
            // The measured window on the monotonic clock (seconds), for `perf report --time START,END` of a run recorded with `perf record -k CLOCK_MONOTONIC`.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: measured window {windowStart / (double)Stopwatch.Frequency:0.000000},{windowEnd / (double)Stopwatch.Frequency:0.000000} (monotonic clock, s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {result.Placed} placed in {elapsed:0.00} s → {result.PlacementsPerSecond:0}/s, p50 {result.P50LatencyMs:0.0} ms, p99 {result.P99LatencyMs:0.0} ms, CPU {result.CpuMsPerPlacement:0.000} ms/placement, {result.AllocatedBytesPerPlacement / 1024:0.0} KB allocated/placement, {result.CallsPerJob:0.0} calls and {result.WritesPerJob:0.0} writes per job"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: methods JIT-compiled in the window: {jitMethods} in {jitTime.TotalMilliseconds:0} ms of JIT time"));
            if (jitListener is not null && jitLog is not null)
            {
                var entries = jitListener.Entries;
                JitMethodLog.Write(jitLog, entries);
                var byKind = entries.Where(e => e.Phase == "window").GroupBy(e => e.Kind, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
                Console.WriteLine($"  {name}: in the window by kind (the runtime's events): {string.Join(", ", byKind)}; every phase in {jitLog}");
            }
            return result;
        }
        finally
        {
            await host.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// What a placement waits for in series inside a pass (the reservation, the start, the department's record of it, each
    /// timed inside the callee's turn), the mean time of each state write from the call to its acknowledgement, and on
    /// SQLite the one writer's transactions (README "Scheduling benchmark", "What a pass waits for on SQLite").
    /// </summary>
    private static void PrintPlacementPath(string name, bool waitTimes, Dictionary<string, long> calls, PathSample before, PathSample after, double windowSeconds)
    {
        if (!waitTimes)
        {
            Console.WriteLine($"  {name}: the wait of each call on a placement's path and of each state write: add --wait-times (it costs CPU in the window)");
        }
        else
        {
            var path = GrainBusyTime.PlacementPath.Select(method =>
            {
                var count = calls.Where(kv => kv.Key.EndsWith("." + method, StringComparison.Ordinal)).Sum(kv => kv.Value);
                var seconds = after.BusyByMethod.GetValueOrDefault(method) - before.BusyByMethod.GetValueOrDefault(method);
                return string.Create(CultureInfo.InvariantCulture, $"{method} {seconds * 1000 / Math.Max(count, 1):0.00} ms");
            });
            Console.WriteLine($"  {name}: a placement's calls, mean time inside each (the callee's turn): {string.Join(", ", path)}");
            string Group(string key) => key["write ".Length..].StartsWith("queue-", StringComparison.Ordinal) ? "queue shards" : key["write ".Length..];
            var byState = Delta(after.Writes, before.Writes).Where(kv => kv.Key.StartsWith("write ", StringComparison.Ordinal) && kv.Value > 0)
                .GroupBy(kv => Group(kv.Key), StringComparer.Ordinal)
                .Select(g => (State: g.Key, Count: g.Sum(kv => kv.Value), Seconds: g.Sum(kv => after.WriteSeconds.GetValueOrDefault(kv.Key) - before.WriteSeconds.GetValueOrDefault(kv.Key))))
                .OrderByDescending(g => g.Count);
            Console.WriteLine($"  {name}: state writes, mean time from the call to the acknowledgement: {string.Join(", ", byState.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.State} {g.Seconds * 1000 / g.Count:0.00} ms")))}");
        }

        var batches = after.Commits.Batches - before.Commits.Batches;
        if (batches > 0)
        {
            var committed = after.Commits.Writes - before.Commits.Writes;
            var busy = (after.CommitTime - before.CommitTime).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: the SQLite writer: {batches} transactions in the window ({batches / windowSeconds:0}/s), {committed / (double)batches:0.0} writes each, {busy * 1000 / batches:0.00} ms each; busy {busy / windowSeconds:0.00} of the window"));
        }
    }

    /// <summary>
    /// What <see cref="PrintPlacementPath"/> compares at the two ends of the window: the placement-path calls' time by method,
    /// the state writes and their time to acknowledgement by key, and the SQLite writer's transactions (none on memory).
    /// </summary>
    private sealed record PathSample(
        Dictionary<string, double> BusyByMethod,
        Dictionary<string, long> Writes,
        Dictionary<string, double> WriteSeconds,
        (long Writes, long Batches) Commits,
        TimeSpan CommitTime)
    {
        public static PathSample Take(GrainBusyTime busy, StorageCounts storage, SqliteGrainStorage? sqlite) =>
            new(busy.Snapshot().ByMethod, storage.Snapshot(), storage.Seconds(), sqlite?.CommitCounters ?? default, sqlite?.CommitTime ?? TimeSpan.Zero);
    }

    /// <summary>The scheduling passes so far by pool: their count and total seconds (the scheduler's pass-duration histogram).</summary>
    private static async Task<Dictionary<string, (long Count, double Seconds)>> PassSecondsAsync(WPAI.Grains.Telemetry.WpaiMetrics metrics)
    {
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text);
        var passes = new Dictionary<string, (long Count, double Seconds)>(StringComparer.Ordinal);
        foreach (var line in System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n'))
        {
            // e.g. wpai_scheduling_pass_duration_seconds_sum{pool="G0"} 1.25
            var isSum = line.StartsWith("wpai_scheduling_pass_duration_seconds_sum{pool=\"", StringComparison.Ordinal);
            var isCount = line.StartsWith("wpai_scheduling_pass_duration_seconds_count{pool=\"", StringComparison.Ordinal);
            if (!isSum && !isCount)
            {
                continue;
            }

            var poolStart = line.IndexOf('"', StringComparison.Ordinal) + 1;
            var pool = line[poolStart..line.IndexOf('"', poolStart)];
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            var (count, seconds) = passes.GetValueOrDefault(pool);
            passes[pool] = isSum ? (count, seconds + value) : (count + (long)value, seconds);
        }

        return passes;
    }

    private static Dictionary<string, long> Delta(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key), StringComparer.Ordinal);

    private static async Task WaitUntilAsync(Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < limit)
        {
            await Task.Delay(5);
        }
    }

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, int parallelism, Func<T, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                await action(items[i]);
            }
        }));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fixed number of warm-up jobs, or (<paramref name="Jobs"/> null) batches until the JIT has settled.</summary>
    private sealed record WarmUp(int? Jobs, int Batch)
    {
        public bool Settled(List<long> compiledPerBatch) =>
            compiledPerBatch.Count >= MaxWarmUpBatches
            || (compiledPerBatch.Count >= 2 && compiledPerBatch[^1] < SettledMethodsPerBatch && compiledPerBatch[^2] < SettledMethodsPerBatch);
    }

    private sealed record Result(
        string Configuration,
        int Pools,
        double PlacementsPerSecond,
        double P50LatencyMs,
        double P99LatencyMs,
        int Placed,
        double CpuMsPerPlacement,
        double AllocatedBytesPerPlacement,
        double CallsPerJob,
        double WritesPerJob,
        List<(string Key, double PerJob)> Breakdown,
        long JitCompiledMethods,
        double JitMilliseconds,
        int Clients = DefaultClients,
        double SubmitMeanMs = 0,
        double CoresUsed = 0,
        double BusiestPool = 0);

    /// <summary>Records when each job is first started by the driver (= placed).</summary>
    private sealed class PlacementRecorder
    {
        private readonly ConcurrentDictionary<string, long> _first = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _offset;

        public int Count => _first.Count;

        public void Record(string jobId) => _first.TryAdd(jobId, _clock.ElapsedTicks);

        public void Reset() => _first.Clear();

        public Dictionary<string, long> FirstPlacements(Stopwatch benchmarkClock)
        {
            _offset = _clock.ElapsedTicks - benchmarkClock.ElapsedTicks;
            return _first.ToDictionary(kv => kv.Key, kv => kv.Value - _offset);
        }
    }

    private sealed class RecordingDriver(SimulatedClusterDriver inner, PlacementRecorder recorder) : IClusterDriver
    {
        public Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
        {
            recorder.Record(spec.JobId);
            return inner.StartAsync(spec, placement, cancellationToken);
        }

        public Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default) => inner.StopAsync(jobId, attempt, cancellationToken);
    }
}
