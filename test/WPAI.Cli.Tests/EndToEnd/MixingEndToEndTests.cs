using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary><c>wpai pool mixing</c>, <c>node list</c> and <c>pool show</c> against a real silo: lend and take back.</summary>
public sealed class MixingEndToEndTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Cli_ConfiguresTicksAndShowsTheMixingController_AgainstARealSilo()
    {
        await WpaiAsync("node", "add", "mx-a", "--pool", "MX", "--gpus", "4", "--cpu", "32", "--memory", "128Gi", "--mode", "online-normal");
        await WpaiAsync("node", "add", "mx-b", "--pool", "MX", "--gpus", "4", "--cpu", "32", "--memory", "128Gi", "--mode", "online-normal");

        // No inference demand: usage 0 < 0.3, so both idle online nodes are lent on the tick.
        var lent = await WpaiAsync("pool", "mixing", "MX", "--policy", "threshold", "--min-dwell", "0", "--tick-interval", "0", "--tick");
        Assert.Contains("Lent nodes  mx-a, mx-b", lent, StringComparison.Ordinal);
        Assert.Contains("Handovers   2 lent, 0 reclaimed, 0 jobs killed", lent, StringComparison.Ordinal);
        Assert.Contains("Verdict     usage 0.00 (0 of 8 online GPUs); below min 0.30; lend mx-a, mx-b", lent, StringComparison.Ordinal);
        Assert.Matches(@"mx-a\s+MX\s+OfflineNormal\s", await WpaiAsync("node", "list"));

        var pool = await WpaiAsync("pool", "show", "MX");
        Assert.Contains("\nMixing\nPolicy      threshold: lend below 0.30, reclaim above 0.80\n", pool, StringComparison.Ordinal);
        Assert.Matches(@"mx-b\s+Unnormal -> OfflineNormal\s+0\.00\s+-\s+0\s+usage 0\.00", pool);

        var off = await WpaiAsync("pool", "mixing", "MX", "--policy", "off", "--tick");
        Assert.Contains("Handovers   2 lent, 2 reclaimed, 0 jobs killed", off, StringComparison.Ordinal);
        Assert.Matches(@"mx-a\s+MX\s+OnlineNormal\s", await WpaiAsync("node", "list"));

        var unknown = await RunAsync("pool", "mixing", "nope", "--policy", "threshold");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: pool: unknown pool 'nope': no node is registered in it.", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_CheckpointableJobOnATakenBackNode_IsWarnedAndKeepsRunningWithinItsGrace()
    {
        await WpaiAsync("node", "add", "ck-a", "--pool", "CK", "--gpus", "4", "--cpu", "32", "--memory", "128Gi", "--mode", "offline-normal");
        await WpaiAsync("dept", "set-quota", "ck", "CK=4");
        await WpaiAsync("job", "submit", "ck-1", "--dept", "ck", "--gpus", "2", "--cpu", "4", "--memory", "8Gi", "--gpu-models", "CK", "--duration", "2h", "--checkpointable", "--checkpoint-grace", "10m");
        await WpaiAsync("job", "submit", "ck-2", "--dept", "ck", "--gpus", "2", "--cpu", "4", "--memory", "8Gi", "--gpu-models", "CK", "--duration", "2h");
        Assert.Contains("Placement        ck-a (CK)", await WpaiAsync("job", "show", "ck-1"), StringComparison.Ordinal);
        Assert.Contains("Placement        ck-a (CK)", await WpaiAsync("job", "show", "ck-2"), StringComparison.Ordinal);

        // Mixing off takes the lent node back at once (no grace of its own): ck-2 is killed, ck-1 is warned and keeps running.
        var back = await WpaiAsync("pool", "mixing", "CK", "--policy", "off", "--reclaim-grace", "0", "--tick-interval", "0", "--tick");
        Assert.Contains("1 jobs killed", back, StringComparison.Ordinal);

        var warned = await WpaiAsync("job", "show", "ck-1");
        Assert.Contains("Status           Running", warned, StringComparison.Ordinal);
        Assert.Contains("Checkpointable   yes, 10m", warned, StringComparison.Ordinal);
        Assert.Contains("reclaim-warning", warned, StringComparison.Ordinal);
        var killed = await WpaiAsync("job", "show", "ck-2");
        Assert.Contains("Status           Pending", killed, StringComparison.Ordinal);
        Assert.DoesNotContain("reclaim-warning", killed, StringComparison.Ordinal);
    }

    private async Task<CliRun> RunAsync(params string[] args) =>
        await CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);

    private async Task<string> WpaiAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"wpai {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run.Output;
    }
}
