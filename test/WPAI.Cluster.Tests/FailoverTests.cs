using System.Collections.Concurrent;
using System.Diagnostics;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Client;
using Xunit.Abstractions;

namespace WPAI.Cluster.Tests;

/// <summary>
/// Two silo processes on PostgreSQL; 2,000 jobs from 8 concurrent clients; one silo SIGKILLed midway. Nothing
/// acknowledged is lost, nothing is placed twice, no node is over-committed, the ledgers balance, the survivor keeps
/// scheduling, and the killed silo restarts and rejoins.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Jobs = 2_000;
    private const int Clients = 8;
    private const int KillAfter = Jobs / 2;
    private const int MaxSubmitAttempts = 10;
    private static readonly string[] Pools = ["A100", "V100", "T4", "P40"];
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Failover_SiloKilledDuringLoad_LosesNoAcknowledgedJob_PlacesNoneTwice_AndTheSiloRejoins()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var clusterId = "failover-" + Guid.NewGuid().ToString("N")[..8];
        using var survivor = new SiloProcess("A", database.ConnectionString, clusterId, SiloProcess.FastFailureDetection);
        using var victim = new SiloProcess("B", database.ConnectionString, clusterId, SiloProcess.FastFailureDetection);
        var connections = new List<WpaiConnection>();
        try
        {
            survivor.Start();
            victim.Start();
            await survivor.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await victim.WaitActiveAsync(database, TimeSpan.FromMinutes(2));

            var options = TestFleet.ClientOptions(database.ConnectionString, clusterId);
            connections.AddRange(await Task.WhenAll(Enumerable.Range(0, Clients + 1).Select(_ => WpaiConnection.ConnectAsync(options))));
            var admin = connections[^1].Client;
            await TestFleet.RegisterAsync(admin, Pools, nodesPerPool: 80, quotaPerPool: 96);

            // 8 clients submit 2,000 jobs; when half are acknowledged, silo B is SIGKILLed.
            var outcomes = new ConcurrentDictionary<string, SubmitOutcome>(StringComparer.Ordinal);
            var acknowledged = 0;
            var killed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            var killer = Task.Run(async () =>
            {
                await WaitForAsync(() => Volatile.Read(ref acknowledged) >= KillAfter);
                var at = DateTimeOffset.UtcNow;
                victim.Kill();
                killed.SetResult(at);
            });
            var load = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(k => Task.Run(async () =>
            {
                var client = connections[k].Client;
                for (var i = k; i < Jobs; i += Clients)
                {
                    var outcome = await SubmitWithRetriesAsync(client, TestFleet.Job($"job-{i:D4}", i, Pools));
                    outcomes[outcome.JobId] = outcome;
                    if (outcome.Acknowledged)
                    {
                        Interlocked.Increment(ref acknowledged);
                    }
                }
            })));
            load.Stop();
            await killer.WaitAsync(TimeSpan.FromSeconds(30));
            var killedAt = await killed.Task;

            var acked = outcomes.Values.Where(o => o.Acknowledged).Select(o => o.JobId).ToList();
            var failedAttempts = outcomes.Values.SelectMany(o => o.Failures).ToList();
            output.WriteLine($"submitted {Jobs} jobs from {Clients} clients in {load.Elapsed.TotalSeconds:F1} s: {acked.Count} acknowledged, " +
                $"{Jobs - acked.Count} never acknowledged, {failedAttempts.Count} failed attempts (retried with the same id)");
            foreach (var group in failedAttempts.GroupBy(f => f.Error).OrderByDescending(g => g.Count()).Take(5))
            {
                output.WriteLine($"  {group.Count()} × {group.Key}");
            }

            Assert.True(acked.Count >= Jobs * 9 / 10, $"only {acked.Count} of {Jobs} submits were acknowledged even with {MaxSubmitAttempts} attempts each");
            Assert.DoesNotContain(outcomes.Values, o => o.Rejected is not null);

            // The survivor alone places every acknowledged job (capacity suffices) and drains the queues.
            ClusterState? state = null;
            var settled = await TestFleet.EventuallyAsync(
                async () =>
                {
                    if ((await admin.ListPoolsAsync()).Any(p => !p.Queue.IsDefaultOrEmpty))
                    {
                        return false;
                    }

                    state = await ClusterState.ReadAsync(admin, outcomes.Keys);
                    return acked.All(id => state.Jobs.TryGetValue(id, out var j) && j.Status == JobStatus.Running);
                },
                Settle,
                TimeSpan.FromSeconds(2));
            Assert.True(settled, $"the surviving silo did not place every acknowledged job within {Settle}: " +
                $"{state?.QueuedJobs} queued, {acked.Count(id => state?.Jobs.GetValueOrDefault(id)?.Status != JobStatus.Running)} acknowledged jobs not running");

            var afterKill = state!.Jobs.Values.Where(j => j.Placement is { } p && p.StartedAt > killedAt).ToList();
            Assert.NotEmpty(afterKill);
            var firstPlacement = afterKill.Min(j => j.Placement!.StartedAt) - killedAt;
            var everyPool = Pools.Max(pool => afterKill.Where(j => j.Placement!.Pool == pool).Select(j => j.Placement!.StartedAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min()) - killedAt;
            var lastFailure = failedAttempts.Count == 0 ? TimeSpan.Zero : failedAttempts.Max(f => f.At) - killedAt;
            output.WriteLine($"failover: kill → first placement on the survivor {firstPlacement.TotalSeconds:F2} s; every pool placing again after {everyPool.TotalSeconds:F2} s; " +
                $"last failed submit {lastFailure.TotalSeconds:F2} s after the kill; {afterKill.Count} jobs placed by the survivor alone");

            Check(state, acked, "after the kill");

            // The killed silo restarts on its old address and rejoins: two active silos again.
            victim.Start();
            await victim.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            ClusterStatus? status = null;
            Assert.True(
                await TestFleet.EventuallyAsync(async () => (status = await admin.GetClusterStatusAsync()).Silos.Count(s => s.Status == "Active") == 2, TimeSpan.FromMinutes(1)),
                $"cluster status does not show 2 active silos after the restart: {string.Join("; ", status?.Silos.Select(s => $"{s.Address} {s.Status}") ?? [])}");
            Assert.Contains(status!.Silos, s => s.Status == "Dead" && s.Address.Contains($":{victim.SiloPort}:", StringComparison.Ordinal));

            // Both silos schedule again: more jobs, all placed, invariants still hold.
            var extra = Enumerable.Range(Jobs, 40).Select(i => TestFleet.Job($"job-{i:D4}", i, Pools)).ToList();
            foreach (var spec in extra)
            {
                var outcome = await SubmitWithRetriesAsync(connections[spec.JobId.GetHashCode(StringComparison.Ordinal) & 7].Client, spec);
                Assert.True(outcome.Acknowledged, $"submit of {spec.JobId} after the rejoin failed: {string.Join("; ", outcome.Failures.Select(f => f.Error))}");
                acked.Add(spec.JobId);
            }

            Assert.True(
                await TestFleet.EventuallyAsync(
                    async () =>
                    {
                        state = await ClusterState.ReadAsync(admin, acked);
                        return state.QueuedJobs == 0 && acked.All(id => state.Jobs.GetValueOrDefault(id)?.Status == JobStatus.Running);
                    },
                    Settle,
                    TimeSpan.FromSeconds(2)),
                "jobs submitted after the rejoin were not all placed");
            Check(state!, acked, "after the rejoin");

            // Stored once: one state row per acknowledged job.
            // (Only job grains have keys starting with "job-" in this test.)
            var duplicates = await database.ScalarAsync<long>(
                "SELECT count(*) FROM (SELECT grain_id_extension FROM wpai_grain_state WHERE grain_id_extension LIKE 'job-%' GROUP BY grain_type, grain_id_extension HAVING count(*) > 1) d");
            Assert.Equal(0L, duplicates);
            var stored = await database.ScalarAsync<long>("SELECT count(*) FROM wpai_grain_state WHERE grain_id_extension LIKE 'job-%' AND payload IS NOT NULL");
            Assert.True(stored >= acked.Count, $"{stored} job rows stored for {acked.Count} acknowledged jobs");
        }
        catch
        {
            output.WriteLine(survivor.Output());
            output.WriteLine(victim.Output());
            throw;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            victim.Dispose();
            survivor.Dispose();
        }
    }

    private void Check(ClusterState state, IReadOnlyCollection<string> acknowledged, string when)
    {
        var missing = acknowledged.Where(id => !state.Jobs.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{when}: {missing.Count} acknowledged jobs are lost: {string.Join(", ", missing.Take(20))}");
        var violations = state.Violations();
        foreach (var violation in violations.Take(50))
        {
            output.WriteLine("violation " + when + ": " + violation);
        }

        Assert.True(violations.Count == 0, $"{when}: {violations.Count} invariant violations, first: {violations.FirstOrDefault()}");
        output.WriteLine($"{when}: {state.Jobs.Values.Count(j => j.Status == JobStatus.Running)} jobs running on {state.Nodes.Length} nodes; " +
            $"{state.Nodes.Sum(n => n.Allocated.Gpus)} GPUs allocated; ledgers of {state.Departments.Length} departments balance");
    }

    private static async Task<SubmitOutcome> SubmitWithRetriesAsync(IWpaiClient client, JobSpec spec)
    {
        var outcome = new SubmitOutcome(spec.JobId);
        for (var attempt = 1; attempt <= MaxSubmitAttempts; attempt++)
        {
            try
            {
                var result = await client.SubmitJobAsync(spec);
                Assert.Equal(spec.JobId, result.Job.Spec.JobId);
                outcome.Acknowledged = true;
                return outcome;
            }
            catch (WpaiValidationException ex)
            {
                outcome.Rejected = ex.Message;
                return outcome;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                outcome.Failures.Add((DateTimeOffset.UtcNow, ex.GetType().Name));
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
            }
        }

        return outcome;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5);
        }
    }

    private sealed class SubmitOutcome(string jobId)
    {
        public string JobId { get; } = jobId;

        public bool Acknowledged { get; set; }

        public string? Rejected { get; set; }

        public List<(DateTimeOffset At, string Error)> Failures { get; } = [];
    }
}
