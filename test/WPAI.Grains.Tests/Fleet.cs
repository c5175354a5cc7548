namespace WPAI.Grains.Tests;

/// <summary>Builds a fresh, uniquely named fleet per test (pools and departments are shared grains across tests).</summary>
public sealed class Fleet(ClusterFixture fixture)
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public IGrainFactory Grains => fixture.Grains;

    public FakeTimeProvider Clock => fixture.Clock;

    public string Pool(string model) => $"{model}-{_suffix}";

    /// <summary>A fresh department id (ids are lower case: see Validate.IdRule).</summary>
    public string Dept(string name) => $"{name}-{_suffix}".ToLowerInvariant();

    public string Id(string name) => $"{name}-{_suffix}".ToLowerInvariant();

    public async Task<string> AddNodeAsync(string model, string name, int gpus, int cpuMilli = 32_000, long memoryMib = 256_000, NodeMode mode = NodeMode.Fixed)
    {
        var node = Id(name);
        await Grains.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(node, Pool(model), gpus, cpuMilli, memoryMib), mode);
        return node;
    }

    public Task<DepartmentView> SetQuotaAsync(string dept, params (string Model, int Gpus)[] quota) =>
        Grains.GetGrain<IDepartmentGrain>(Dept(dept)).SetQuotaAsync(quota.ToImmutableDictionary(q => Pool(q.Model), q => q.Gpus));

    public JobSpec Job(string id, string dept, int gpus, string[] models, TimeSpan? duration = null, string? template = null, WorkloadProfile? workload = null, int cpuMilli = 4_000) =>
        new(Id(id), Dept(dept), [.. models.Select(Pool)], gpus, cpuMilli, 16_000, duration ?? TimeSpan.FromHours(1000), template, workload);

    public Task<SubmitResult> SubmitAsync(JobSpec spec) => Grains.GetGrain<IJobGrain>(spec.JobId).SubmitAsync(spec);

    public Task<JobView> JobAsync(string id) => Grains.GetGrain<IJobGrain>(Id(id)).GetAsync();

    public Task<NodeView> NodeAsync(string node) => Grains.GetGrain<INodeGrain>(node).GetAsync();

    public Task<PoolView> PoolViewAsync(string model) => Grains.GetGrain<IPoolSchedulerGrain>(Pool(model)).GetAsync();

    /// <summary>Runs passes on the pools until none places anything more (a barrier, not a sleep).</summary>
    public async Task ScheduleAsync(params string[] models)
    {
        for (var round = 0; round < 10; round++)
        {
            var placed = 0;
            foreach (var model in models)
            {
                placed += await Grains.GetGrain<IPoolSchedulerGrain>(Pool(model)).RunPassAsync();
            }

            if (placed == 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits (bounded: 60 s, generous so a loaded machine does not fail a correct run; a passing run returns as soon as
    /// the condition holds) until a condition on grain state holds: for effects of one-way messages and driver timers.
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"timed out waiting until {what}");
    }
}
