using System.Globalization;
using WPAI.Abstractions.Contracts;
using WPAI.Client;
using Xunit.Abstractions;

namespace WPAI.Cluster.Tests;

/// <summary>Every silo of a PostgreSQL cluster stops, and the cluster starts again with all its state.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RestartTests(ITestOutputHelper output)
{
    private static readonly string[] Pools = ["T4", "P40"];

    [Fact]
    public async Task ClusterRestart_EverySiloStopped_NodesQuotasAndJobsPendingAndRunningSurvive()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var clusterId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        using var a = new SiloProcess("A", database.ConnectionString, clusterId, SiloProcess.FastFailureDetection);
        using var b = new SiloProcess("B", database.ConnectionString, clusterId, SiloProcess.FastFailureDetection);
        var options = TestFleet.ClientOptions(database.ConnectionString, clusterId);
        try
        {
            a.Start();
            b.Start();
            await a.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await b.WaitActiveAsync(database, TimeSpan.FromMinutes(2));

            List<string> jobIds;
            List<string> before;
            await using (var connection = await WpaiConnection.ConnectAsync(options))
            {
                var client = connection.Client;
                await TestFleet.RegisterAsync(client, Pools, nodesPerPool: 4, quotaPerPool: 12);
                jobIds = [.. Enumerable.Range(0, 80).Select(i => $"r-{i:D3}")];
                foreach (var chunk in jobIds.Select((id, i) => TestFleet.Job(id, i, Pools)).Chunk(16))
                {
                    await Task.WhenAll(chunk.Select(spec => client.SubmitJobAsync(spec)));
                }

                await client.CancelJobAsync("r-000", "restart test: a finished job too");
                var state = await StableAsync(client, jobIds);
                Assert.Contains(state.Jobs.Values, j => j.Status == JobStatus.Running);
                Assert.Contains(state.Jobs.Values, j => j.Status == JobStatus.Pending);
                Assert.Empty(state.Violations());
                before = Fingerprint(state);
                output.WriteLine($"before: {state.Jobs.Values.Count(j => j.Status == JobStatus.Running)} running, {state.Jobs.Values.Count(j => j.Status == JobStatus.Pending)} pending, " +
                    $"{state.QueuedJobs} queued, {state.Nodes.Length} nodes, {state.Departments.Length} departments");
            }

            await Task.WhenAll(a.StopAsync(TimeSpan.FromSeconds(60)), b.StopAsync(TimeSpan.FromSeconds(60)));
            Assert.Empty(await database.ActiveSilosAsync(clusterId));

            a.Start();
            b.Start();
            await a.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await b.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await using (var connection = await WpaiConnection.ConnectAsync(options))
            {
                var client = connection.Client;
                var state = await StableAsync(client, jobIds);
                var after = Fingerprint(state);
                var lost = before.Except(after).ToList();
                var gained = after.Except(before).ToList();
                Assert.True(lost.Count == 0 && gained.Count == 0, "state changed across the restart:\n- " + string.Join("\n- ", lost) + "\n+ " + string.Join("\n+ ", gained));
                Assert.Empty(state.Violations());

                // The restarted cluster schedules: new capacity takes the pending jobs.
                var pending = state.Jobs.Values.Where(j => j.Status == JobStatus.Pending).Select(j => j.Spec.JobId).ToList();
                foreach (var pool in Pools)
                {
                    for (var i = 0; i < 4; i++)
                    {
                        await client.AddNodeAsync(new NodeSpec($"{pool.ToLowerInvariant()}-new-{i}", pool, 8, 64_000, 512 * 1024));
                    }
                }

                Assert.True(
                    await TestFleet.EventuallyAsync(async () => (await ClusterState.ReadAsync(client, pending)).Jobs.Values.All(j => j.Status == JobStatus.Running), TimeSpan.FromMinutes(1)),
                    "the restarted cluster did not place the pending jobs on 8 new nodes (32 GPUs per pool, more than they need)");
                state = await ClusterState.ReadAsync(client, jobIds);
                Assert.Empty(state.Violations());
                output.WriteLine($"after: identical state; then {pending.Count} pending jobs placed on 8 new nodes");
            }
        }
        catch
        {
            output.WriteLine(a.Output());
            output.WriteLine(b.Output());
            throw;
        }
    }

    /// <summary>Reads the state until two reads a second apart agree (no pass is changing it) and the queues hold exactly the pending jobs.</summary>
    private static async Task<ClusterState> StableAsync(IWpaiClient client, List<string> jobIds)
    {
        ClusterState? previous = null;
        ClusterState? current = null;
        var stable = await TestFleet.EventuallyAsync(
            async () =>
            {
                previous = current;
                current = await ClusterState.ReadAsync(client, jobIds);
                var pending = current.Jobs.Values.Where(j => j.Status == JobStatus.Pending).Select(j => j.Spec.JobId).ToHashSet(StringComparer.Ordinal);
                return previous is not null && pending.SetEquals(current.QueuedJobIds) && Fingerprint(previous).SequenceEqual(Fingerprint(current));
            },
            TimeSpan.FromMinutes(1),
            TimeSpan.FromSeconds(1));
        Assert.True(stable, "the cluster state did not settle within a minute");
        return current!;
    }

    /// <summary>The durable facts of a state as sorted lines: nodes with allocations, quotas, ledgers, queues, jobs.</summary>
    private static List<string> Fingerprint(ClusterState state)
    {
        var lines = new List<string>();
        lines.AddRange(state.Nodes.Select(n => $"node {n.Spec} {n.Mode} [{string.Join(", ", n.Allocations.OrderBy(a => a.OwnerId, StringComparer.Ordinal).Select(a => $"{a.OwnerId}={a.Resources}"))}]"));
        lines.AddRange(state.Departments.Select(d =>
            $"department {d.Name} quota [{string.Join(", ", d.Quota.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"))}] " +
            $"running [{string.Join(", ", d.Running.OrderBy(r => r.JobId, StringComparer.Ordinal).Select(r => $"{r.JobId}@{r.Node}/{r.Tier}"))}]"));
        lines.AddRange(state.Pools.Select(p =>
            $"pool {p.Pool} nodes {p.Nodes} quota [{string.Join(", ", p.Quota.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"))}] " +
            $"queue [{string.Join(", ", p.Queue.Select(q => q.JobId).Order(StringComparer.Ordinal))}]"));
        lines.AddRange(state.Jobs.Values.Select(j => string.Create(
            CultureInfo.InvariantCulture,
            $"job {j.Spec.JobId} {j.Status} attempt {j.Attempts} on {j.Placement?.Node ?? "-"} {j.Placement?.Resources} {j.Placement?.Tier} since {j.Placement?.StartedAt:O} submitted {j.SubmittedAt:O}")));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
