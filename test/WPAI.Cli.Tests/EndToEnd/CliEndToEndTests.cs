using System.Text.Json;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>
/// Drives the real <c>wpai</c> commands through a real Orleans client against a real silo: nodes, quotas, submit,
/// placement, the queue explanation, borrow-and-preempt, listings, bad input, cancel.
/// </summary>
public sealed class CliEndToEndTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private const int MaxPolls = 150;

    [Fact]
    public async Task Cli_RegistersSchedulesExplainsAndPreempts_AgainstARealSilo()
    {
        // Fleet: one T4 node with 4 GPUs; research owns the 4 T4 GPUs, vision owns none of them.
        var added = await WpaiAsync("node", "add", "t4-a", "--pool", "T4", "--gpus", "4", "--cpu", "32", "--memory", "128Gi");
        Assert.Equal("Node t4-a registered in pool T4: 4 GPU, 32 CPU, 128Gi, mode Fixed.\n", added);
        await WpaiAsync("dept", "set-quota", "research", "T4=4");
        var vision = await WpaiAsync("dept", "set-quota", "vision", "T4=0");
        Assert.Contains("Department    vision", vision, StringComparison.Ordinal);

        // vision borrows research's idle GPUs: it runs, in the borrowed tier.
        var submitted = await WpaiAsync("job", "submit", "v-borrow", "--dept", "vision", "--gpus", "4", "--cpu", "8", "--memory", "32Gi", "--gpu-models", "T4", "--duration", "10h");
        Assert.StartsWith("Job v-borrow submitted: ", submitted, StringComparison.Ordinal);
        var borrowing = await PollJobAsync("v-borrow", j => j.GetProperty("job").GetProperty("status").GetString() == "Running");
        Assert.Equal("t4-a", borrowing.GetProperty("job").GetProperty("placement").GetProperty("node").GetString());
        Assert.Equal("Borrowed", borrowing.GetProperty("job").GetProperty("placement").GetProperty("tier").GetString());

        // The node list shows the mode and the full node.
        var nodes = await WpaiAsync("node", "list");
        Assert.Matches(@"t4-a\s+T4\s+Fixed\s+4/4\s", nodes);

        // research submits inside its own quota: the borrowed job is preempted and the own job runs.
        await WpaiAsync("job", "submit", "r-own", "--dept", "research", "--gpus", "4", "--cpu", "8", "--memory", "32Gi", "--gpu-models", "T4", "--duration", "10h");
        await PollJobAsync("r-own", j => j.GetProperty("job").GetProperty("status").GetString() == "Running");
        var preempted = await PollJobAsync("v-borrow", j => j.GetProperty("job").GetProperty("preemptedBy").GetString() == "r-own");
        Assert.Equal("Pending", preempted.GetProperty("job").GetProperty("status").GetString());

        // job show names the preemptor and where the job stands in the queue.
        var show = await WpaiAsync("job", "show", "v-borrow");
        Assert.Contains("Status           Pending", show, StringComparison.Ordinal);
        Assert.Contains("Preempted by     r-own", show, StringComparison.Ordinal);
        Assert.Contains("\nWhy\n  Preempted by job 'r-own'; re-queued keeping its wait time", show, StringComparison.Ordinal);
        Assert.Matches(@"  In pool T4: position 1 of \d+, borrowed tier \(score [0-9.]+\), waited [^:]+: .+", show);

        // A second pending job waits behind it; the pool shows both with scores.
        await WpaiAsync("job", "submit", "r-wait", "--dept", "research", "--gpus", "2", "--cpu", "4", "--memory", "8Gi", "--gpu-models", "T4", "--duration", "1h");
        var waiting = await WpaiAsync("job", "show", "r-wait");
        Assert.Contains("Status           Pending", waiting, StringComparison.Ordinal);
        Assert.Matches(@"  In pool T4: position \d of 2, ", waiting);
        var pool = await WpaiAsync("pool", "show", "T4");
        Assert.Contains("Preemptions  1", pool, StringComparison.Ordinal);
        Assert.Matches(@"\n\d\s+v-borrow\s+vision\s+4\s+borrowed\s", pool);

        // Listings: all jobs, and filtered by status and department.
        var all = await PollListAsync(["job", "list"], list => list.Contains("r-wait", StringComparison.Ordinal));
        Assert.Matches(@"r-own\s+research\s+Running\s+4\s+T4\s+t4-a\s+own\s", all);
        Assert.Matches(@"v-borrow\s+vision\s+Pending\s+4\s+T4\s+-\s+-\s", all);
        var newest = await WpaiAsync("job", "list", "--limit", "1");
        Assert.Contains("r-wait", newest, StringComparison.Ordinal);
        Assert.Equal(2, newest.TrimEnd('\n').Split('\n').Length); // the header and one row
        var running = await WpaiAsync("job", "list", "--status", "running");
        Assert.Contains("r-own", running, StringComparison.Ordinal);
        Assert.DoesNotContain("v-borrow", running, StringComparison.Ordinal);
        var visionJobs = await WpaiAsync("job", "list", "--dept", "vision", "--output", "json");
        var ids = JsonDocument.Parse(visionJobs).RootElement.EnumerateArray().Select(j => j.GetProperty("spec").GetProperty("jobId").GetString()).ToList();
        Assert.Equal(["v-borrow"], ids);

        // Departments show the ledger.
        var research = await WpaiAsync("dept", "show", "research");
        Assert.Matches(@"T4\s+4\s+4\s+0\s", research);

        // Cancel the waiting job.
        var cancelled = await WpaiAsync("job", "cancel", "r-wait");
        Assert.StartsWith("Job r-wait: Cancelled.", cancelled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_DeploysListsShowsAndScalesAnInferenceService_OnOnlineNodes()
    {
        await WpaiAsync("node", "add", "a10-online", "--pool", "A10", "--gpus", "4", "--cpu", "32", "--memory", "128Gi", "--mode", "online-normal");
        await WpaiAsync("node", "add", "a10-train", "--pool", "A10", "--gpus", "4", "--cpu", "32", "--memory", "128Gi");

        var deployed = await WpaiAsync("service", "deploy", "resnet", "--model", "resnet18", "--pool", "A10", "--gpus", "1", "--cpu", "2", "--memory", "8Gi", "--capacity-qps", "50", "--min", "2", "--max", "6", "--output", "json");
        var view = JsonDocument.Parse(deployed).RootElement;
        Assert.Equal(2, view.GetProperty("replicas").GetArrayLength());
        Assert.All(view.GetProperty("replicas").EnumerateArray(), r => Assert.Equal("a10-online", r.GetProperty("node").GetString()));

        var list = await WpaiAsync("service", "list");
        Assert.Matches(@"resnet\s+resnet18\s+A10\s+2\s+2\s+0\s", list);

        var scaled = await WpaiAsync("service", "scale", "resnet", "3", "--reason", "load test");
        Assert.Contains("load test", scaled, StringComparison.Ordinal);
        var show = await WpaiAsync("service", "show", "resnet", "--output", "json");
        var after = JsonDocument.Parse(show).RootElement;
        Assert.Equal(3, after.GetProperty("replicas").GetArrayLength());
        Assert.Contains(after.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("reason").GetString()!.Contains("load test", StringComparison.Ordinal));

        var online = await WpaiAsync("node", "show", "a10-online", "--output", "json");
        Assert.Equal(3, JsonDocument.Parse(online).RootElement.GetProperty("allocations").GetArrayLength());
        var training = await WpaiAsync("node", "show", "a10-train", "--output", "json");
        Assert.Equal(0, JsonDocument.Parse(training).RootElement.GetProperty("allocations").GetArrayLength());

        var bad = await RunAsync("service", "deploy", "broken", "--model", "m", "--pool", "A10", "--capacity-qps", "50", "--min", "5", "--max", "2");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error:", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_ServesTheDashboardAndHealth_OnLoopback()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.DashboardPort}") };
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
        using var dashboard = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", (await dashboard.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ClusterStatus_ListsTheActiveSilo()
    {
        var json = await WpaiAsync("cluster", "status", "--output", "json");
        var silos = JsonDocument.Parse(json).RootElement.GetProperty("silos");
        var silo = Assert.Single(silos.EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.StartsWith("S127.0.0.1:", silo.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.True(silo.GetProperty("activations").GetInt32() > 0);

        var table = await WpaiAsync("cluster", "status");
        Assert.Matches(@"\s+Active\s+", table);
    }

    [Fact]
    public async Task Cli_ReportsTheClustersValidationErrors_WithExitCode2()
    {
        // Its own pool, so that the scenario above keeps its single T4 node.
        await WpaiAsync("node", "add", "v100-v", "--pool", "V100", "--gpus", "4", "--cpu", "32", "--memory", "128Gi");
        await WpaiAsync("dept", "set-quota", "checkers", "V100=0");

        var unknownDepartment = await RunAsync("job", "submit", "x-1", "--dept", "nobody", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "V100", "--duration", "1h");
        var tooBig = await RunAsync("job", "submit", "x-2", "--dept", "checkers", "--gpus", "64", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "V100", "--duration", "1h");
        var unknownPool = await RunAsync("dept", "set-quota", "checkers", "H100=8");
        var rehardware = await RunAsync("node", "add", "v100-v", "--pool", "V100", "--gpus", "8", "--cpu", "32", "--memory", "128Gi");
        var missingJob = await RunAsync("job", "show", "never-submitted");

        foreach (var run in new[] { unknownDepartment, tooBig, unknownPool, rehardware, missingJob })
        {
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        }

        Assert.Contains("nobody", unknownDepartment.Error, StringComparison.Ordinal);
        Assert.Contains("error: --gpus: ", tooBig.Error, StringComparison.Ordinal);
        Assert.Contains("error: QUOTA H100=…: ", unknownPool.Error, StringComparison.Ordinal);
        Assert.Contains("never-submitted", missingJob.Error, StringComparison.Ordinal);

        // Nothing changed: the node keeps its hardware, no job was created.
        var node = await WpaiAsync("node", "show", "v100-v");
        Assert.Contains("Capacity   4 GPU, 32 CPU, 128Gi", node, StringComparison.Ordinal);
        var checkers = await WpaiAsync("job", "list", "--dept", "checkers");
        Assert.Equal("No jobs.\n", checkers);
    }

    private async Task<CliRun> RunAsync(params string[] args) =>
        await CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);

    private async Task<string> WpaiAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"wpai {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run.Output;
    }

    private async Task<JsonElement> PollJobAsync(string jobId, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        for (var i = 0; i < MaxPolls; i++)
        {
            last = JsonDocument.Parse(await WpaiAsync("job", "show", jobId, "--output", "json")).RootElement.Clone();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"job {jobId} never reached the expected state; last seen: {last}");
        return last;
    }

    private async Task<string> PollListAsync(string[] args, Func<string, bool> condition)
    {
        var output = string.Empty;
        for (var i = 0; i < MaxPolls; i++)
        {
            output = await WpaiAsync(args);
            if (condition(output))
            {
                return output;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"wpai {string.Join(' ', args)} never showed what was expected; last output:\n{output}");
        return output;
    }
}
