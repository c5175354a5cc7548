using System.Text.Json;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>
/// The node verbs against a real silo: set-mode, cordon/uncordon (nothing new lands on a cordoned node), remove (refused
/// while a run is there; --drain preempts after its timeout and the job is re-queued), and CPU-only jobs on the cpu pool.
/// </summary>
public sealed class NodeVerbsTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task NodeVerbs_SetModeCordonRemoveAndDrain()
    {
        await OkAsync("node", "add", "verb-a", "--pool", "V100", "--gpus", "4", "--cpu", "32", "--memory", "128Gi");
        await OkAsync("node", "add", "verb-b", "--pool", "V100", "--gpus", "4", "--cpu", "32", "--memory", "128Gi");
        await OkAsync("dept", "set-quota", "verbs", "V100=8");

        // set-mode changes the mode by hand.
        Assert.Equal("Node verb-a: mode Down.\n", await OkAsync("node", "set-mode", "verb-a", "down", "--reason", "maintenance"));
        Assert.Equal("Node verb-a: mode Fixed.\n", await OkAsync("node", "set-mode", "verb-a", "fixed"));

        // A cordoned node takes nothing new: the job goes to the other node.
        Assert.Equal("Node verb-a: mode Fixed, cordoned.\n", await OkAsync("node", "cordon", "verb-a"));
        await OkAsync("job", "submit", "verb-1", "--dept", "verbs", "--gpus", "2", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "V100", "--duration", "10h");
        var placed = await PollAsync("verb-1", "Running");
        Assert.Equal("verb-b", placed.GetProperty("job").GetProperty("placement").GetProperty("node").GetString());
        Assert.Equal("Node verb-a: mode Fixed.\n", await OkAsync("node", "uncordon", "verb-a"));

        // remove is refused while the job runs there, and changes nothing.
        var refused = await RunAsync("node", "remove", "verb-b");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error: NODE: node verb-b still runs verb-1. Wait until they end, or remove it with --drain", refused.Error, StringComparison.Ordinal);
        Assert.Contains("verb-b", await OkAsync("node", "list"), StringComparison.Ordinal);

        // --drain waits (1 s here), then preempts the job, which is re-queued and placed on the other node; the node is gone.
        var drained = await OkAsync("node", "remove", "verb-b", "--drain", "--timeout", "1s");
        Assert.Equal("Node verb-b removed after the drain timed out; preempted and re-queued: verb-1.\n", drained);
        Assert.DoesNotContain("verb-b", await OkAsync("node", "list"), StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("node", "show", "verb-b")).ExitCode);
        var moved = await PollAsync("verb-1", "Running");
        Assert.Equal("verb-a", moved.GetProperty("job").GetProperty("placement").GetProperty("node").GetString());
    }

    [Fact]
    public async Task CpuOnlyJob_RunsOnTheCpuPool()
    {
        await OkAsync("node", "add", "cpu-a", "--pool", "cpu", "--gpus", "0", "--cpu", "64", "--memory", "256Gi");
        await OkAsync("dept", "set-quota", "etl", "cpu=0");

        await OkAsync("job", "submit", "etl-1", "--dept", "etl", "--gpus", "0", "--cpu", "4", "--memory", "8Gi", "--gpu-models", "cpu", "--duration", "10h");

        var job = await PollAsync("etl-1", "Running");
        Assert.Equal("cpu-a", job.GetProperty("job").GetProperty("placement").GetProperty("node").GetString());
    }

    private async Task<JsonElement> PollAsync(string job, string status)
    {
        var last = string.Empty;
        for (var i = 0; i < 150; i++)
        {
            last = await OkAsync("job", "show", job, "--output", "json");
            var view = JsonDocument.Parse(last).RootElement;
            if (view.GetProperty("job").GetProperty("status").GetString() == status)
            {
                return view;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"job {job} never became {status}; last seen: {last}");
        return default;
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);

    private async Task<string> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"wpai {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run.Output;
    }
}
