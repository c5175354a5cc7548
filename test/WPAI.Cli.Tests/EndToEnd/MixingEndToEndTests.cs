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

    private async Task<CliRun> RunAsync(params string[] args) =>
        await CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);

    private async Task<string> WpaiAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"wpai {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run.Output;
    }
}
