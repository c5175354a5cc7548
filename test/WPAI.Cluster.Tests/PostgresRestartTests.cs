using System.Collections.Concurrent;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Client;
using Xunit.Abstractions;

namespace WPAI.Cluster.Tests;

/// <summary>
/// The database restarts under load: while it is down, requests fail with <see cref="WpaiStorageUnavailableException"/>
/// (naming the database, saying to retry); after it is back they succeed; nothing acknowledged is lost.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private static readonly string[] Pools = ["A100", "T4"];
    private const int Loops = 4;
    private const int AfterUp = 100;
    private const int MaxJobs = 900;

    [Fact]
    public async Task PostgresRestart_DuringLoad_FailsRequestsWithARetryableError_ThenServesThem_AndLosesNothingAcknowledged()
    {
        await using var server = await PrivatePostgres.StartAsync();
        await using var database = await PostgresTestDatabase.CreateAsync(server.AdminConnectionString);
        var clusterId = "pgrestart-" + Guid.NewGuid().ToString("N")[..8];
        using var silo = new SiloProcess("A", database.ConnectionString, clusterId);
        try
        {
            silo.Start();
            await silo.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await using var connection = await WpaiConnection.ConnectAsync(TestFleet.ClientOptions(database.ConnectionString, clusterId));
            var client = connection.Client;
            await TestFleet.RegisterAsync(client, Pools, nodesPerPool: 64, quotaPerPool: 128);

            var phase = (int)Phase.Before;
            var acknowledged = new ConcurrentDictionary<string, Phase>(StringComparer.Ordinal);
            var failures = new ConcurrentBag<(Phase Phase, Exception Error)>();
            var next = -1;
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Loops).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    if (index >= MaxJobs)
                    {
                        return;
                    }

                    var spec = TestFleet.Job($"pg-{index:D4}", index, Pools);
                    try
                    {
                        await client.SubmitJobAsync(spec);
                        acknowledged[spec.JobId] = (Phase)Volatile.Read(ref phase);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        failures.Add(((Phase)Volatile.Read(ref phase), ex));
                        await Task.Delay(100);
                    }
                }
            })).ToList();

            Assert.True(await TestFleet.EventuallyAsync(() => Task.FromResult(acknowledged.Count >= 50), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(50)), "no load before the restart");
            await server.DownAsync();
            Volatile.Write(ref phase, (int)Phase.Down);
            output.WriteLine($"database down after {acknowledged.Count} acknowledged submits");
            Assert.True(
                await TestFleet.EventuallyAsync(() => Task.FromResult(failures.Count(f => f.Phase == Phase.Down) >= 5), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50)),
                "no request failed while the database was down");
            await Task.Delay(TimeSpan.FromSeconds(2)); // keep the load on a down database for a while (not an assertion)
            await server.UpAsync();
            Volatile.Write(ref phase, (int)Phase.After);
            var upAt = DateTimeOffset.UtcNow;
            var served = await TestFleet.EventuallyAsync(
                () => Task.FromResult(acknowledged.Values.Count(p => p == Phase.After) >= AfterUp || Volatile.Read(ref next) >= MaxJobs),
                TimeSpan.FromMinutes(2),
                TimeSpan.FromMilliseconds(100));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            var afterUp = acknowledged.Values.Count(p => p == Phase.After);
            output.WriteLine($"{acknowledged.Count} acknowledged ({afterUp} after the database came back); {failures.Count} failed requests " +
                $"({failures.Count(f => f.Phase == Phase.Down)} while down, {failures.Count(f => f.Phase == Phase.After)} after it came back)");
            foreach (var group in failures.GroupBy(f => f.Error.GetType().Name))
            {
                output.WriteLine($"  {group.Count()} × {group.Key}: {group.First().Error.Message}");
            }

            Assert.True(served && afterUp >= AfterUp, $"only {afterUp} submits succeeded after the database came back");
            Assert.True(silo.IsRunning, "the silo exited while the database was down");

            // Every failure says what is wrong and that a retry is safe: a typed, retryable error naming the database.
            var downFailures = failures.Where(f => f.Phase == Phase.Down).Select(f => f.Error).ToList();
            var untyped = downFailures.Where(e => e is not WpaiStorageUnavailableException).ToList();
            Assert.True(untyped.Count == 0, $"{untyped.Count} of {downFailures.Count} failures while the database was down were not WpaiStorageUnavailableException: " +
                string.Join("; ", untyped.Take(3).Select(e => $"{e.GetType().Name}: {e.Message}")));
            var sample = (WpaiStorageUnavailableException)downFailures[0];
            Assert.Contains($"PostgreSQL database '{database.Name}'", sample.Message, StringComparison.Ordinal);
            Assert.Contains("retry", sample.Message, StringComparison.Ordinal);

            // Nothing acknowledged is lost: every acknowledged job exists and gets placed; the invariants hold. A job whose
            // start reached its department only in memory before the outage is recorded there again when it next
            // activates (JobCommit.RecoverAsync) — which the read below may be the one to cause, after it has read the
            // departments — so the invariants are checked on a read taken once every job runs, until they hold (bounded).
            ClusterState? state = null;
            var placed = await TestFleet.EventuallyAsync(
                async () =>
                {
                    state = await ClusterState.ReadAsync(client, acknowledged.Keys);
                    return acknowledged.Keys.All(id => state.Jobs.GetValueOrDefault(id)?.Status == JobStatus.Running);
                },
                TimeSpan.FromMinutes(2),
                TimeSpan.FromSeconds(1));
            if (placed)
            {
                await TestFleet.EventuallyAsync(
                    async () =>
                    {
                        state = await ClusterState.ReadAsync(client, acknowledged.Keys);
                        return state.Violations().Count == 0;
                    },
                    TimeSpan.FromSeconds(30),
                    TimeSpan.FromSeconds(1));
            }

            var missing = acknowledged.Keys.Where(id => state?.Jobs.ContainsKey(id) != true).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged jobs are lost: {string.Join(", ", missing.Take(20))}");
            Assert.True(placed, $"{acknowledged.Keys.Count(id => state!.Jobs[id].Status != JobStatus.Running)} acknowledged jobs were not placed after the database came back");
            var violations = state!.Violations();
            Assert.True(violations.Count == 0, $"{violations.Count} invariant violations, first: {violations.FirstOrDefault()}");
            output.WriteLine($"all {acknowledged.Count} acknowledged jobs running {(DateTimeOffset.UtcNow - upAt).TotalSeconds:F1} s after the database came back; invariants hold");
        }
        catch
        {
            output.WriteLine(silo.Output());
            throw;
        }
    }

    private enum Phase
    {
        Before,
        Down,
        After,
    }
}
