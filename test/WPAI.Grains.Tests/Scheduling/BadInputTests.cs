namespace WPAI.Grains.Tests.Scheduling;

/// <summary>Bad input gets a typed error naming the field and the reason, and changes no state.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    public static TheoryData<string, int, int, long, string> BadNodes => new()
    {
        { "negative GPUs", -1, 8_000, 1_000, "spec.gpus" },
        { "zero CPU", 4, 0, 1_000, "spec.cpuMilli" },
        { "negative memory", 4, 8_000, -5, "spec.memoryMib" },
    };

    [Theory]
    [MemberData(nameof(BadNodes))]
    public async Task RegisterNode_BadResources_RejectedWithFieldAndNoState(string _, int gpus, int cpu, long memory, string field)
    {
        var name = _fleet.Id("bad-node");
        var node = _fleet.Grains.GetGrain<INodeGrain>(name);
        var error = await Assert.ThrowsAsync<WpaiValidationException>(() => node.RegisterAsync(new NodeSpec(name, _fleet.Pool("T4"), gpus, cpu, memory), NodeMode.Fixed));
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => node.GetAsync());
        Assert.Empty((await _fleet.Grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync()).NodesByPool.GetValueOrDefault(_fleet.Pool("T4"), []));
    }

    [Fact]
    public async Task RegisterNode_EmptyName_Rejected()
    {
        var node = _fleet.Grains.GetGrain<INodeGrain>(_fleet.Id("named"));
        var error = await Assert.ThrowsAsync<WpaiValidationException>(() => node.RegisterAsync(new NodeSpec("", _fleet.Pool("T4"), 4, 1000, 1000), NodeMode.Fixed));
        Assert.Equal("spec.name", error.Field);
    }

    [Fact]
    public async Task RegisterNode_AgainWithDifferentHardware_RejectedAndUnchanged()
    {
        var name = await _fleet.AddNodeAsync("T4", "n1", 4);
        var node = _fleet.Grains.GetGrain<INodeGrain>(name);
        var error = await Assert.ThrowsAsync<WpaiValidationException>(() => node.RegisterAsync(new NodeSpec(name, _fleet.Pool("T4"), 8, 32_000, 256_000), NodeMode.Fixed));
        Assert.Equal("spec", error.Field);
        Assert.Contains("different hardware", error.Reason, StringComparison.Ordinal);
        Assert.Equal(4, (await node.GetAsync()).Spec.Gpus);

        var again = await node.RegisterAsync(new NodeSpec(name, _fleet.Pool("T4"), 4, 32_000, 256_000), NodeMode.Fixed);
        Assert.Equal(4, again.Spec.Gpus); // the same hardware again is idempotent
    }

    public static TheoryData<string, string> BadJobs => new()
    {
        { "zero-gpus", "spec.gpus" },
        { "negative-cpu", "spec.cpuMilli" },
        { "empty-id", "spec.jobId" },
        { "unknown-pool", "spec.gpuModels[0]" },
        { "unknown-department", "spec.department" },
        { "too-large", "spec.gpus" },
        { "zero-duration", "spec.duration" },
        { "empty-models", "spec.gpuModels" },
    };

    [Theory]
    [MemberData(nameof(BadJobs))]
    public async Task Submit_BadJob_RejectedWithFieldAndNoState(string kind, string field)
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("A", ("T4", 4));
        var good = f.Job(kind, "A", 2, ["T4"]);
        var spec = kind switch
        {
            "zero-gpus" => good with { Gpus = 0 },
            "negative-cpu" => good with { CpuMilli = -1 },
            "empty-id" => good with { JobId = "" },
            "unknown-pool" => good with { GpuModels = ["NoSuchGPU-" + f.Id("x")] },
            "unknown-department" => good with { Department = f.Dept("nobody") },
            "too-large" => good with { Gpus = 5 },
            "zero-duration" => good with { Duration = TimeSpan.Zero },
            "empty-models" => good with { GpuModels = [] },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var job = f.Grains.GetGrain<IJobGrain>(f.Id(kind));
        var error = await Assert.ThrowsAsync<WpaiValidationException>(() => job.SubmitAsync(spec));
        Assert.Equal(field, error.Field);
        Assert.Contains(error.Reason, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => job.GetAsync());
        Assert.Empty((await f.PoolViewAsync("T4")).Queue);
    }

    [Fact]
    public async Task SetQuota_UnknownPoolOrNegative_RejectedAndUnchanged()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("A", ("T4", 4));
        var dept = f.Grains.GetGrain<IDepartmentGrain>(f.Dept("A"));

        var unknown = await Assert.ThrowsAsync<WpaiValidationException>(() => dept.SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("Nope-" + f.Id("p"), 2)));
        Assert.StartsWith("quota[", unknown.Field, StringComparison.Ordinal);
        var negative = await Assert.ThrowsAsync<WpaiValidationException>(() => f.SetQuotaAsync("A", ("T4", -3)));
        Assert.Equal($"quota[{f.Pool("T4")}]", negative.Field);

        var view = await dept.GetAsync();
        Assert.Equal(4, view.Quota[f.Pool("T4")]);
        Assert.Equal(4, (await f.PoolViewAsync("T4")).Quota[f.Dept("A")]);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => f.Grains.GetGrain<IDepartmentGrain>(f.Dept("never")).GetAsync());
    }

    [Fact]
    public async Task ChangeMode_IllegalTransition_RejectedWithLegalTargets()
    {
        var name = await _fleet.AddNodeAsync("T4", "n1", 4, mode: NodeMode.OnlineNormal);
        var node = _fleet.Grains.GetGrain<INodeGrain>(name);
        var error = await Assert.ThrowsAsync<WpaiValidationException>(() => node.ChangeModeAsync(NodeMode.OfflineNormal, "skip draining"));
        Assert.Equal("mode", error.Field);
        Assert.Contains("Unnormal", error.Message, StringComparison.Ordinal);
        Assert.Equal(NodeMode.OnlineNormal, (await node.GetAsync()).Mode);
    }
}
