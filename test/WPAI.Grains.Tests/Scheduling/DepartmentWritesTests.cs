using Microsoft.Data.Sqlite;
using WPAI.Grains.Departments;
using WPAI.Grains.Tests.Storage;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// The department ledger group-commits: starts and ends of many jobs arriving together share state writes, every call
/// returns only after a write holding its change, and after a restart the ledger holds exactly what was acknowledged.
/// A state stored in the earlier form (whole outcomes of recent jobs) reads into the compact one after a restart.
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

    [Fact]
    public async Task Restart_ReadsRecentOutcomesStoredInTheEarlierForm_AndWritesTheCompactOne()
    {
        var first = await _silo.StartAsync();
        try
        {
            await first.Client.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 8, 64_000, 256_000), NodeMode.Fixed);
            await first.Client.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 8));
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        // The row as a build before the compact form wrote it: the outcomes of two measured jobs and an unmeasured one.
        var at = _silo.Clock.GetUtcNow();
        var stored = Payload();
        stored.LegacyRecent.AddRange(new double?[] { 0.2, null, 0.4 }.Select((u, i) => new JobOutcome($"old{i}", "T4", JobStatus.Succeeded, 1, u, TimeSpan.FromHours(1), at)));
        Payload(stored);

        var second = await _silo.StartAsync();
        try
        {
            var dept = second.Client.GetGrain<IDepartmentGrain>("a");
            Assert.Equal(0.3, (await dept.GetAsync()).RecentUtilization!.Value, 9);
            await dept.RecordStartAsync(new RunningAllocation("new", "T4", "n1", new Resources(1, 1_000, 1_000), Tier.Own, at));
            await dept.RecordEndAsync(new JobOutcome("new", "T4", JobStatus.Succeeded, 1, 0.9, TimeSpan.FromHours(1), at.AddHours(1)));
            Assert.Equal(0.5, (await dept.GetAsync()).RecentUtilization!.Value, 9);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }

        var written = Payload();
        Assert.Empty(written.LegacyRecent);
        Assert.Equal([0.2, null, 0.4, 0.9], written.RecentUtilization);
    }

    /// <summary>The department 'a' as stored.</summary>
    private DepartmentState Payload()
    {
        using var orleans = new DepartmentStateSerialization();
        return orleans.Serializer.Deserialize<DepartmentState>((byte[])Scalar("payload"))!;
    }

    /// <summary>Stores <paramref name="state"/> as department 'a', version unchanged.</summary>
    private void Payload(DepartmentState state)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE wpai_grain_state SET payload = $payload WHERE state_name = 'department' AND service_id = $service";
        using var orleans = new DepartmentStateSerialization();
        command.Parameters.AddWithValue("$payload", orleans.Serializer.SerializeToArray(state));
        command.Parameters.AddWithValue("$service", _silo.ServiceId);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>The department row's version: how many times its state was written.</summary>
    private long Version() => (long)Scalar("etag");

    /// <summary>A column of the department's row.</summary>
    private object Scalar(string column)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM wpai_grain_state WHERE state_name = 'department' AND service_id = $service";
        command.Parameters.AddWithValue("$service", _silo.ServiceId);
        return command.ExecuteScalar()!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_silo.DatabasePath}");
        connection.Open();
        return connection;
    }
}
