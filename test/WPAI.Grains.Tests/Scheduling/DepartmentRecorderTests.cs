using WPAI.Grains.Departments;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A silo batches its jobs' department-ledger calls (<see cref="DepartmentRecorder"/>): concurrent starts and ends
/// share <c>RecordBatch</c> calls, each caller returns once its record is written, repeats change nothing, and after a
/// restart the ledger holds exactly what was acknowledged.
/// </summary>
public sealed class DepartmentRecorderTests : IDisposable
{
    private const int Jobs = 40;
    private readonly SqliteRestartableSilo _silo = new("dept-recorder");

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task ConcurrentRecords_ShareBatchCalls_AndTheLedgerIsExactAfterARestart()
    {
        var first = await _silo.StartAsync();
        long batches;
        try
        {
            var grains = first.Client;
            var recorder = first.Silos[0].ServiceProvider.GetRequiredService<DepartmentRecorder>();
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 64, 256_000, 1_024_000), NodeMode.Fixed);
            var dept = grains.GetGrain<IDepartmentGrain>("a");
            await dept.SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 64));
            var at = _silo.Clock.GetUtcNow();
            RunningAllocation Allocation(int i) => new($"j{i}", "T4", "n1", new Resources(1, 1_000, 1_000), Tier.Own, at);
            var before = recorder.CallsSent;

            await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => recorder.RecordStartAsync("a", Allocation(i))));
            batches = recorder.CallsSent - before;
            Assert.Equal(Jobs, (await dept.GetAsync()).Running.Length);

            // Half of them end while the other half start again (idempotent).
            await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => i % 2 == 0
                ? recorder.RecordEndAsync("a", new JobOutcome($"j{i}", "T4", JobStatus.Succeeded, 1, 0.5, TimeSpan.FromHours(1), at.AddHours(1)))
                : recorder.RecordStartAsync("a", Allocation(i))));
            Assert.Equal(Jobs / 2, (await dept.GetAsync()).Running.Length);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        Assert.InRange(batches, 1, Jobs - 1); // at least two starts shared a call
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
}
