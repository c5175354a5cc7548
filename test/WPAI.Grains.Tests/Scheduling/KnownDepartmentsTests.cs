using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A submit asks the department for its submit context only when it must: the first job of a department, every job of
/// a template (right-sizing reads the template's runs), and every job of a department not known to exist (so a
/// department created after a refused submit is found). Counted by an incoming call filter on the silo.
/// </summary>
public sealed class KnownDepartmentsTests : IClassFixture<KnownDepartmentsTests.Cluster>
{
    private readonly Cluster _cluster;
    private readonly Fleet _fleet;

    public KnownDepartmentsTests(Cluster cluster)
    {
        _cluster = cluster;
        _fleet = new Fleet(cluster.Fixture);
    }

    [Fact]
    public async Task Submit_OfJobsWithoutTemplate_AsksAKnownDepartmentOnlyOnce_AndEveryJobOfATemplate()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 8);
        await f.SetQuotaAsync("a", ("T4", 8));

        await f.SubmitAsync(f.Job("first", "a", 1, ["T4"]));
        await f.SubmitAsync(f.Job("second", "a", 1, ["T4"]));
        await f.SubmitAsync(f.Job("third", "a", 1, ["T4"]));
        Assert.Equal(1, _cluster.SubmitContextCalls(f.Dept("a")));

        await f.SubmitAsync(f.Job("templated", "a", 1, ["T4"], template: "nightly"));
        await f.SubmitAsync(f.Job("templated-2", "a", 1, ["T4"], template: "nightly"));
        Assert.Equal(3, _cluster.SubmitContextCalls(f.Dept("a")));

        foreach (var id in new[] { "first", "second", "third", "templated", "templated-2" })
        {
            Assert.Equal(JobStatus.Pending, (await f.JobAsync(id)).Status);
        }
    }

    [Fact]
    public async Task Submit_ToAnUnknownDepartment_IsRefusedEachTime_AndAcceptedOnceItExists()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 8);

        await Assert.ThrowsAsync<WpaiValidationException>(() => f.SubmitAsync(f.Job("early", "late", 1, ["T4"])));
        await Assert.ThrowsAsync<WpaiValidationException>(() => f.SubmitAsync(f.Job("early-2", "late", 1, ["T4"])));
        await f.SetQuotaAsync("late", ("T4", 8));
        await f.SubmitAsync(f.Job("on-time", "late", 1, ["T4"]));
        await f.SubmitAsync(f.Job("on-time-2", "late", 1, ["T4"]));

        Assert.Equal(3, _cluster.SubmitContextCalls(f.Dept("late")));
        Assert.Equal(JobStatus.Pending, (await f.JobAsync("on-time-2")).Status);
    }

    /// <summary>A test cluster whose silo counts the departments' <c>GetSubmitContextAsync</c> calls per department.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public Cluster() => Fixture = new ClusterFixture(_ => { }, silo => silo.AddIncomingGrainCallFilter(CountAsync));

        public ClusterFixture Fixture { get; }

        public int SubmitContextCalls(string department) => _calls.GetValueOrDefault(department);

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();

        private Task CountAsync(IIncomingGrainCallContext context)
        {
            if (context.InterfaceName.EndsWith(nameof(IDepartmentGrain), StringComparison.Ordinal)
                && context.MethodName == nameof(IDepartmentGrain.GetSubmitContextAsync))
            {
                _calls.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
            }

            return context.Invoke();
        }
    }
}
