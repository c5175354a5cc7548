using Microsoft.Data.Sqlite;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// The department ledger group-commits: starts and ends of many jobs arriving together share state writes, every call
/// returns only after a write holding its change, and after a restart the ledger holds exactly what was acknowledged.
/// </summary>
public sealed class DepartmentWritesTests : IDisposable
{
    private const int Jobs = 40;
    private readonly SqliteRestartableSilo _silo = new("dept-writes");

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task ConcurrentStartsAndEnds_ShareWrites_AndEveryAcknowledgedChangeSurvivesARestart()
    {
        var first = await _silo.StartAsync();
        long writesForStarts;
        try
        {
            var grains = first.Client;
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 64, 256_000, 1_024_000), NodeMode.Fixed);
            var dept = grains.GetGrain<IDepartmentGrain>("a");
            await dept.SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 64));
            var before = Version();
            var at = _silo.Clock.GetUtcNow();
            RunningAllocation Allocation(int i) => new($"j{i}", "T4", "n1", new Resources(1, 1_000, 1_000), Tier.Own, at);

            await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => dept.RecordStartAsync(Allocation(i))));
            writesForStarts = Version() - before;
            await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => dept.RecordStartAsync(Allocation(i)))); // repeats: no write
            Assert.Equal(writesForStarts, Version() - before);

            // Half of them end while the other half start again (idempotent): the ends are written, the repeats are not.
            await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => i % 2 == 0
                ? dept.RecordEndAsync(new JobOutcome($"j{i}", "T4", JobStatus.Succeeded, 1, 0.5, TimeSpan.FromHours(1), at.AddHours(1)))
                : dept.RecordStartAsync(Allocation(i))));
            Assert.Equal(Jobs / 2, (await dept.GetAsync()).Running.Length);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        Assert.InRange(writesForStarts, 1, Jobs - 1); // at least two starts shared a write
        var second = await _silo.StartAsync();
        try
        {
            var view = await second.Client.GetGrain<IDepartmentGrain>("a").GetAsync();
            Assert.Equal(Enumerable.Range(0, Jobs).Where(i => i % 2 == 1).Select(i => $"j{i}").Order(StringComparer.Ordinal), view.Running.Select(r => r.JobId).Order(StringComparer.Ordinal));
            Assert.Equal(new PoolUsage(Jobs / 2, 0), view.Usage["T4"]);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    /// <summary>The department row's version: how many times its state was written.</summary>
    private long Version()
    {
        using var connection = new SqliteConnection($"Data Source={_silo.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM wpai_grain_state WHERE state_name = 'department' AND service_id = $service";
        command.Parameters.AddWithValue("$service", _silo.ServiceId);
        return (long)command.ExecuteScalar()!;
    }
}
