using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WPAI.Abstractions.Contracts;
using WPAI.Client;
using Orleans.Runtime;
using WPAI.Domain.Common;

namespace WPAI.Benchmarks;

/// <summary>
/// Cluster throughput on PostgreSQL: placements per second with one and with two silo processes
/// (<c>src/Silo/bin/Release/net10.0/WPAI.Silo.dll --storage postgres</c>), each on a fresh database. A fleet of
/// 4 pools × 32 nodes × 8 GPUs; jobs of 1–2 GPUs running 200 ms on the simulated driver (so capacity turns over),
/// submitted by 16 concurrent loops (<c>--loops</c>) over 2 client connections (ADO.NET clustering). Placements/s = jobs / (first
/// submit → the pools' placement counters reach the job count). A warm-up batch runs first and is not measured. CPU
/// milliseconds per placement = CPU time of the silo processes, the PostgreSQL server (when the benchmark started it)
/// and the benchmark's own client process over the measured batch, divided by the jobs. What the grains wrote to
/// PostgreSQL over the batch (WAL, state writes and payload bytes per job) is read from the database (<see cref="ClusterWrites"/>).
/// PostgreSQL: WPAI_TEST_POSTGRES when set, else a private server from scripts/postgres.sh.
/// </summary>
internal static class ClusterBenchmark
{
    private const int DefaultLoops = 16;
    private const int Connections = 2;
    private const int DefaultWarmUpJobs = 300;
    private static readonly string[] Pools = ["A100", "V100", "T4", "P40"];

    /// <summary>Experiment: the cores each silo process is told it has (<c>WPAI_BENCH_SILO_CPUS</c>), unset by default.</summary>
    private static readonly int? SiloCpus = int.TryParse(Environment.GetEnvironmentVariable("WPAI_BENCH_SILO_CPUS"), CultureInfo.InvariantCulture, out var cpus) ? cpus : null;

    /// <summary>
    /// Runs the configurations (or <paramref name="only"/> one); <paramref name="countCalls"/> has the silos count their
    /// grain calls by origin (a few bytes more per message, so off by default); <paramref name="silo"/> names another
    /// build's <c>WPAI.Silo.dll</c> (for an A/B of two silo builds with one benchmark build); <paramref name="submitLoops"/>
    /// sets how many submits are in flight at once (default 16).
    /// </summary>
    public static async Task<int> RunAsync(bool quick, string? only = null, int? warmUpJobs = null, bool countCalls = false, string? silo = null, int? submitLoops = null)
    {
        var loops = submitLoops ?? DefaultLoops;
        var jobs = quick ? 2_000 : 6_000;
        var warmUp = warmUpJobs ?? DefaultWarmUpJobs;
        var root = FindRoot();
        var siloDll = silo is null ? Path.Combine(root, "src", "Silo", "bin", "Release", "net10.0", "WPAI.Silo.dll") : Path.GetFullPath(silo);
        if (!File.Exists(siloDll))
        {
            await Console.Error.WriteLineAsync(silo is null
                ? $"{siloDll} is missing: build it with `dotnet build src/Silo -c Release`."
                : $"--silo '{silo}': {siloDll} does not exist; give the path of a built WPAI.Silo.dll, e.g. src/Silo/bin/Release/net10.0/WPAI.Silo.dll");
            return 2;
        }

        // One configuration alone (for a profiler): no ratios, no JSON. Checked before PostgreSQL is started.
        (int Silos, bool PoolAffinity)? alone = null;
        if (only is not null)
        {
            alone = only switch
            {
                "1" => (1, true),
                "2" => (2, true),
                "2-random" => (2, false),
                _ => null,
            };
            if (alone is null)
            {
                await Console.Error.WriteLineAsync($"unknown configuration '{only}' for --only: choose 1, 2 or 2-random");
                return 2;
            }
        }

        await using var postgres = await BenchPostgres.OpenAsync(root);
        Console.WriteLine($"cluster benchmark: PostgreSQL from {postgres.Origin}; {Pools.Length} pools × 32 nodes × 8 GPUs; {jobs} jobs of 1–2 GPUs running 200 ms after {warmUp} warm-up jobs; " +
            $"{loops} submit loops over {Connections} clients; {Environment.ProcessorCount} cores (silos, clients and PostgreSQL share them); load average {SchedulingBenchmark.LoadAverage()}; silo {siloDll}{(countCalls ? ", counting grain calls by origin" : "")}");
        if (alone is { } configuration)
        {
            await MeasureAsync(postgres, siloDll, configuration.Silos, jobs, warmUp, loops, configuration.PoolAffinity, countCalls);
            return 0;
        }

        var one = await MeasureAsync(postgres, siloDll, silos: 1, jobs, warmUp, loops, poolAffinity: true, countCalls);
        var random = await MeasureAsync(postgres, siloDll, silos: 2, jobs, warmUp, loops, poolAffinity: false, countCalls);
        var two = await MeasureAsync(postgres, siloDll, silos: 2, jobs, warmUp, loops, poolAffinity: true, countCalls);

        Console.WriteLine();
        Console.WriteLine("| silos | placement | jobs | placements/s | p50 submit→placed (ms) | p99 (ms) | wall (s) | CPU ms/placement (silos + PostgreSQL + client) | silos | PostgreSQL | client | jobs on their pool's silo |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in new[] { one, random, two })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Silos} | {r.Placement} | {r.Jobs} | {r.PlacementsPerSecond:0} | {r.P50Ms:0} | {r.P99Ms:0} | {r.Seconds:0.0} | {r.CpuMsPerPlacement:0.00} | {r.SiloCpuMs / r.Jobs:0.00} | {r.PostgresCpuMs / r.Jobs:0.00} | {r.ClientCpuMs / r.Jobs:0.00} | {r.JobsOnPoolSilo:P0} |"));
        }

        var ratio = two.PlacementsPerSecond / one.PlacementsPerSecond;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"2 silos / 1 silo throughput ratio: {ratio:0.00}× (random placement: {random.PlacementsPerSecond / one.PlacementsPerSecond:0.00}×)"));
        if (postgres.Postmaster is null)
        {
            Console.WriteLine("PostgreSQL CPU is not counted: the server is not one this benchmark started (WPAI_TEST_POSTGRES).");
        }

        Console.WriteLine(SchedulingBenchmark.Target("PostgreSQL 1 silo", one.PlacementsPerSecond, ">=", 1_000, "placements/s"));
        Console.WriteLine(SchedulingBenchmark.Target("2 silos / 1 silo", ratio, ">=", 1.0, "×"));
        Console.WriteLine(SchedulingBenchmark.Target("CPU, 1 silo, all processes", one.CpuMsPerPlacement, "<=", 1.5, "ms/placement"));
        Console.WriteLine(SchedulingBenchmark.Target("CPU, 2 silos, all processes", two.CpuMsPerPlacement, "<=", 1.5, "ms/placement"));
        Directory.CreateDirectory("bench-results");
        await File.WriteAllTextAsync(
            Path.Combine("bench-results", "cluster.json"),
            JsonSerializer.Serialize(
                new
                {
                    results = new[] { one, two }.Select(r => new
                    {
                        silos = r.Silos,
                        placement = r.Placement,
                        jobsOnPoolSilo = r.JobsOnPoolSilo,
                        placementsPerSecond = r.PlacementsPerSecond,
                        cpuMsPerPlacement = r.CpuMsPerPlacement,
                        jobs = r.Jobs,
                        p50LatencyMs = r.P50Ms,
                        p99LatencyMs = r.P99Ms,
                        seconds = r.Seconds,
                    }),
                    twoOverOne = ratio,
                    twoRandomPlacement = new { placementsPerSecond = random.PlacementsPerSecond, cpuMsPerPlacement = random.CpuMsPerPlacement, jobsOnPoolSilo = random.JobsOnPoolSilo },
                    twoRandomOverOne = random.PlacementsPerSecond / one.PlacementsPerSecond,
                    quick,
                    warmUpJobs = warmUp,
                    submitLoops = loops,
                    cores = Environment.ProcessorCount,
                },
                new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine("wrote bench-results/cluster.json");
        return 0;
    }

    private static async Task<Result> MeasureAsync(BenchPostgres postgres, string siloDll, int silos, int jobs, int warmUp, int loops, bool poolAffinity, bool countCalls)
    {
        var connection = await postgres.CreateDatabaseAsync();
        var clusterId = $"bench-{silos}-" + Guid.NewGuid().ToString("N")[..6];
        var processes = new List<BenchSiloProcess>();
        var clients = new List<WpaiConnection>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                processes.Add(BenchSiloProcess.Start(siloDll, connection, clusterId, poolAffinity, countCalls, SiloCpus));
            }

            foreach (var silo in processes)
            {
                await silo.WaitActiveAsync(connection, clusterId);
            }

            var options = new WpaiClientOptions
            {
                ClusterId = clusterId,
                ClusteringConnection = connection,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                ResponseTimeout = TimeSpan.FromSeconds(60),
            };
            for (var i = 0; i < Connections; i++)
            {
                clients.Add(await WpaiConnection.ConnectAsync(options));
            }

            var admin = clients[0].Client;
            var nodes = Pools.SelectMany(pool => Enumerable.Range(0, 32).Select(i => new NodeSpec($"{pool.ToLowerInvariant()}-{i:D2}", pool, 8, 64_000, 512 * 1024))).ToList();
            foreach (var chunk in nodes.Chunk(32))
            {
                await Task.WhenAll(chunk.Select(n => admin.AddNodeAsync(n)));
            }

            foreach (var department in new[] { "bench-a", "bench-b", "bench-c", "bench-d" })
            {
                await admin.SetQuotaAsync(department, Pools.ToDictionary(p => p, _ => 0)); // no own quota: no preemption
            }

            await RunBatchAsync(clients, "warm", warmUp, 0, loops);
            var self = Process.GetCurrentProcess();
            TimeSpan Silos() => processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + ProcessCpu.OfProcess(p.Pid));
            TimeSpan Postgres() => postgres.Postmaster is { } pm ? ProcessCpu.OfTree(pm) : TimeSpan.Zero;
            var management = clients[0].ClusterClient.GetGrain<IManagementGrain>(0);
            var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
            var messagesBefore = await ClusterMessages.ReadAsync(processes);
            await using var writes = await ClusterWrites.StartAsync(connection);
            TimeSpan SilosKernel() => processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + ProcessCpu.SystemOf(p.Pid));
            (long Voluntary, long Involuntary) Switches() => processes.Select(p => ProcessCpu.SwitchesOf(p.Pid)).Aggregate((0L, 0L), (sum, s) => (sum.Item1 + s.Voluntary, sum.Item2 + s.Involuntary));
            var (kernelBefore, switchesBefore) = (SilosKernel(), Switches());
            var (silosBefore, postgresBefore, clientBefore) = (Silos(), Postgres(), self.TotalProcessorTime);
            var windowStart = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            await RunBatchAsync(clients, "job", jobs, warmUp, loops);
            var seconds = clock.Elapsed.TotalSeconds;
            var windowEnd = Stopwatch.GetTimestamp();
            self.Refresh();
            var siloCpu = (Silos() - silosBefore).TotalMilliseconds;
            var postgresCpu = (Postgres() - postgresBefore).TotalMilliseconds;
            var clientCpu = (self.TotalProcessorTime - clientBefore).TotalMilliseconds;
            var siloKernel = (SilosKernel() - kernelBefore).TotalMilliseconds;
            var switches = Switches();
            var written = await writes.StopAsync(jobs);
            var messages = (await ClusterMessages.ReadAsync(processes)).Since(messagesBefore, jobs);
            var jobsOnPoolSilo = await JobsOnPoolSiloAsync(management, hosts);

            var sample = Enumerable.Range(0, jobs).Where(i => i % Math.Max(1, jobs / 500) == 0).Select(i => $"job-{i:D5}").ToList();
            var latencies = new List<double>();
            foreach (var chunk in sample.Chunk(32))
            {
                foreach (var view in await Task.WhenAll(chunk.Select(id => admin.GetJobAsync(id))))
                {
                    if (view.History.FirstOrDefault(e => e.Kind == "placed") is { } placed)
                    {
                        latencies.Add((placed.At - view.SubmittedAt).TotalMilliseconds);
                    }
                }
            }

            latencies.Sort();
            var result = new Result(
                silos, poolAffinity ? "pool affinity" : "random", jobs, jobs / seconds, Percentile.NearestRank(latencies, 0.5), Percentile.NearestRank(latencies, 0.99), seconds,
                (siloCpu + postgresCpu + clientCpu) / jobs, siloCpu, postgresCpu, clientCpu, jobsOnPoolSilo);
            // The measured window on the monotonic clock (seconds), for `perf report --time START,END` of a run recorded with `perf record -k CLOCK_MONOTONIC`.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{silos} silo(s), {result.Placement} placement: measured window {windowStart / (double)Stopwatch.Frequency:0.000000},{windowEnd / (double)Stopwatch.Frequency:0.000000} (monotonic clock, s); silo PIDs {string.Join(' ', processes.Select(p => p.Pid))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{silos} silo(s), {result.Placement} placement: {jobs} placements in {seconds:0.0} s = {result.PlacementsPerSecond:0}/s, CPU {result.CpuMsPerPlacement:0.00} ms/placement (silos {siloCpu / jobs:0.00}, PostgreSQL {postgresCpu / jobs:0.00}, client {clientCpu / jobs:0.00}), {jobsOnPoolSilo:P0} of the active jobs on their pool scheduler's silo"));
            Console.WriteLine($"{silos} silo(s), {result.Placement} placement: {written}");
            Console.WriteLine($"{silos} silo(s), {result.Placement} placement: {messages}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{silos} silo(s), {result.Placement} placement: the silo processes per job: {siloKernel / jobs:0.00} ms of their CPU in the kernel ({siloKernel / siloCpu:P0}), {(switches.Voluntary - switchesBefore.Voluntary) / (double)jobs:0.0} voluntary and {(switches.Involuntary - switchesBefore.Involuntary) / (double)jobs:0.0} involuntary context switches"));
            return result;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var silo in processes)
            {
                silo.Dispose();
            }

            await postgres.DropDatabaseAsync(connection);
        }
    }

    /// <summary>Submits <paramref name="count"/> jobs from <paramref name="loops"/> concurrent loops and waits until the pools have placed them all.</summary>
    private static async Task RunBatchAsync(List<WpaiConnection> clients, string prefix, int count, int alreadyPlaced, int loops)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, loops).Select(loop => Task.Run(async () =>
        {
            var client = clients[loop % clients.Count].Client;
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var pool = Pools[i % Pools.Length];
                var gpus = i % 5 == 0 ? 2 : 1;
                await client.SubmitJobAsync(new JobSpec($"{prefix}-{i:D5}", $"bench-{(char)('a' + (i / 4 % 4))}", ImmutableArray.Create(pool), gpus, 2_000 * gpus, 8_192 * gpus, TimeSpan.FromMilliseconds(200)));
            }
        })));

        var admin = clients[0].Client;
        var deadline = Stopwatch.StartNew();
        while ((await admin.ListPoolsAsync()).Sum(p => p.Placements) < alreadyPlaced + count)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"the {prefix} batch was not placed within 10 minutes");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The share of the active job grains that live on the silo of their pool's scheduler (the job ids name the pool: i mod 4).</summary>
    private static async Task<double> JobsOnPoolSiloAsync(IManagementGrain management, SiloAddress[] hosts)
    {
        var grains = await management.GetDetailedGrainStatistics(null, hosts);
        var schedulers = grains.Where(g => g.GrainId.Type.ToString() == WPAI.Grains.Scheduling.PoolSchedulerGrain.GrainTypeName).ToDictionary(g => g.GrainId.Key.ToString(), g => g.SiloAddress);
        var jobs = grains.Where(g => g.GrainId.Type.ToString() == "wpai-job").ToList();
        var home = jobs.Count(g =>
            int.TryParse(g.GrainId.Key.ToString().AsSpan(g.GrainId.Key.ToString().IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture, out var i)
            && schedulers.TryGetValue(Pools[i % Pools.Length], out var silo) && silo.Equals(g.SiloAddress));
        return jobs.Count == 0 ? 0 : (double)home / jobs.Count;
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WPAI.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("WPAI.sln not found above the current directory; run from the repository");
    }

    private sealed record Result(
        int Silos, string Placement, int Jobs, double PlacementsPerSecond, double P50Ms, double P99Ms, double Seconds, double CpuMsPerPlacement, double SiloCpuMs, double PostgresCpuMs, double ClientCpuMs, double JobsOnPoolSilo);
}
