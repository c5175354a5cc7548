using System.Collections.Concurrent;
using System.Globalization;
using WPAI.Abstractions.Contracts;
using WPAI.Client;
using Xunit.Abstractions;

namespace WPAI.Cluster.Tests;

/// <summary>
/// The embedded default (one silo process on SQLite) is SIGKILLed right after submits were acknowledged, while more are
/// in flight; after a restart every acknowledged job is in the job list, and paging with --after walks all of them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JobIndexKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Loops = 4;
    private const int KillAfter = 150;
    private const int MaxJobsPerLoop = 2_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wpai-index-kill", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task JobList_AfterSigkillRightAfterAcknowledgedSubmits_ListsEveryAcknowledgedJob()
    {
        Directory.CreateDirectory(_folder);
        var clusterId = "index-kill-" + Guid.NewGuid().ToString("N")[..8];
        using var silo = SiloProcess.Sqlite("sqlite", Path.Combine(_folder, "wpai.db"), clusterId);
        var options = new WpaiClientOptions { ClusterId = clusterId, ConnectRetries = 120, ConnectRetryDelay = TimeSpan.FromMilliseconds(500), ConnectTimeout = TimeSpan.FromMinutes(2) };
        options.Gateways.Add($"127.0.0.1:{silo.GatewayPort}");
        var acknowledged = new ConcurrentBag<string>();
        silo.Start();
        await using (var connection = await WpaiConnection.ConnectAsync(options))
        {
            var client = connection.Client;
            await client.AddNodeAsync(new NodeSpec("t4-000", "T4", 8, 64_000, 512 * 1024));
            await client.SetQuotaAsync("research", new Dictionary<string, int>(StringComparer.Ordinal) { ["T4"] = 8 });
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var killed = 0;
            var loops = Enumerable.Range(0, Loops).Select(loop => Task.Run(async () =>
            {
                for (var i = 0; i < MaxJobsPerLoop && !stop.IsCancellationRequested; i++)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"k-{loop}-{i:D4}");
                    try
                    {
                        await client.SubmitJobAsync(new JobSpec(id, "research", ["T4"], 1, 1_000, 1_024, TimeSpan.FromHours(10)));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        return; // the silo is gone: this submit was not acknowledged
                    }

                    acknowledged.Add(id);
                    if (acknowledged.Count >= KillAfter && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        silo.Kill(); // SIGKILL by PID at once, while the other loops' submits are in flight
                    }
                }
            })).ToList();
            await Task.WhenAll(loops);
            Assert.True(killed == 1, $"the silo was not killed: only {acknowledged.Count} submits were acknowledged.\n{silo.Output()}");
        }

        output.WriteLine($"{acknowledged.Count} submits acknowledged before the SIGKILL");
        silo.Start();
        await using (var connection = await WpaiConnection.ConnectAsync(options))
        {
            var client = connection.Client;
            var listed = (await client.ListJobsAsync(limit: null)).Select(j => j.Spec.JobId).ToHashSet(StringComparer.Ordinal);
            var missing = acknowledged.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged jobs missing from the job list after the restart: {string.Join(", ", missing.Take(20))}");

            // Pages of 40 with --after walk the same jobs, each once.
            var paged = new List<string>();
            string? after = null;
            while (true)
            {
                var page = await client.ListJobsAsync(limit: 40, after: after);
                paged.AddRange(page.Select(j => j.Spec.JobId));
                if (page.Length < 40)
                {
                    break;
                }

                after = page[^1].Spec.JobId;
            }

            Assert.Equal(paged.Count, paged.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(listed.Order(StringComparer.Ordinal), paged.Order(StringComparer.Ordinal));
        }

        await silo.StopAsync(TimeSpan.FromSeconds(30));
    }
}
